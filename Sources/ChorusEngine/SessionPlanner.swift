import ChorusCore
import ChorusTransport

/// Decides, from the scenario and the seed, what each session will say and how long it will think.
public struct SessionPlanner: Sendable {
    public let scenario: Scenario
    public let clipCount: Int
    public let runId: String
    public let originNs: Int64

    public init(scenario: Scenario, clipCount: Int, runId: String, originNs: Int64) {
        self.scenario = scenario
        self.clipCount = clipCount
        self.runId = runId
        self.originNs = originNs
    }

    /// The plan of session number `sessionIndex` run by caller slot `callerIndex`; the same inputs give the same plan.
    public func plan(callerIndex: Int, sessionIndex: Int) -> SessionPlan {
        let seed = self.scenario.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(sessionIndex)
        var rng = SplitMix64(seed: seed)
        let s = self.scenario.session
        // Drawn only for a range, so scenarios with a fixed count plan exactly as before.
        let turns = s.maxTurns.map { Int.random(in: s.turns...Swift.max(s.turns, $0), using: &rng) } ?? s.turns
        let clips = (0..<turns).map { _ in Int(rng.next() % UInt64(max(1, self.clipCount))) }
        let think = (0..<turns).map { _ -> Int64 in
            let ms = s.thinkTimeMs.lowerBound == s.thinkTimeMs.upperBound
                ? s.thinkTimeMs.lowerBound : Double.random(in: s.thinkTimeMs, using: &rng)
            return Int64(ms * 1e6)
        }
        return SessionPlan(
            callerIndex: callerIndex, sessionIndex: sessionIndex, sessionId: "\(self.runId)-\(sessionIndex)",
            turnClips: clips, thinkNs: think, responseTimeoutNs: Int64(s.responseTimeoutMs * 1e6),
            sendsEndOfTurn: self.scenario.target.endOfTurn == "message", audibleThresholdDBFS: s.audibleThresholdDBFS,
            stallThresholdNs: Int64(s.stallThresholdMs * 1e6), originNs: self.originNs, seed: rng.next(),
            runSeed: self.scenario.seed)
    }
}
