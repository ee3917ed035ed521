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
        // The barge-in utterance, when there is one, is the last clip: scripted turns draw from the others.
        let spoken = max(1, self.clipCount - (s.bargeIn == nil ? 0 : 1))
        let clips = (0..<turns).map { _ in Int(rng.next() % UInt64(spoken)) }
        let think = (0..<turns).map { _ -> Int64 in
            let ms = s.thinkTimeMs.lowerBound == s.thinkTimeMs.upperBound
                ? s.thinkTimeMs.lowerBound : Double.random(in: s.thinkTimeMs, using: &rng)
            return Int64(ms * 1e6)
        }
        var plan = SessionPlan(
            callerIndex: callerIndex, sessionIndex: sessionIndex, sessionId: "\(self.runId)-\(sessionIndex)",
            turnClips: clips, thinkNs: think, responseTimeoutNs: Int64(s.responseTimeoutMs * 1e6),
            sendsEndOfTurn: self.scenario.target.endOfTurn == "message", audibleThresholdDBFS: s.audibleThresholdDBFS,
            stallThresholdNs: Int64(s.stallThresholdMs * 1e6), originNs: self.originNs, seed: rng.next(),
            runSeed: self.scenario.seed)
        if let bargeIn = s.bargeIn { self.planBargeIns(bargeIn, seed: seed, into: &plan) }
        return plan
    }

    /// Inserts an interrupting turn after each scripted turn that draws one. Drawn from a generator of their own,
    /// so a scenario's other draws are the same with or without interruptions.
    private func planBargeIns(_ bargeIn: Scenario.BargeIn, seed: UInt64, into plan: inout SessionPlan) {
        var rng = SplitMix64(seed: seed ^ 0xB4A6_E1B0_57A7_C0DE)
        var clips: [Int] = []
        var think: [Int64] = []
        var after: [Int64?] = []
        for (turn, clip) in plan.turnClips.enumerated() {
            clips.append(clip)
            think.append(plan.thinkNs[turn])
            after.append(nil)
            guard Double.random(in: 0..<1, using: &rng) < bargeIn.probability else { continue }
            let ms = bargeIn.afterMs.lowerBound == bargeIn.afterMs.upperBound
                ? bargeIn.afterMs.lowerBound : Double.random(in: bargeIn.afterMs, using: &rng)
            clips.append(self.clipCount - 1)
            think.append(plan.thinkNs[turn])
            after.append(Int64(ms * 1e6))
        }
        plan.turnClips = clips
        plan.thinkNs = think
        plan.bargeInAfterNs = after
        plan.bargeInMissedAfterNs = Int64(bargeIn.missedAfterMs * 1e6)
    }
}
