import ChorusCore
import ChorusReport
import Foundation

/// Hand-built runs with known numbers for the report tests.
enum ReportFixtures {
    static func run(name: String = "quickstart", valid: Bool = true, reason: String? = nil) -> RunInfo {
        RunInfo(
            id: "20250101-100000-abcd", name: name, scenarioYAML: "name: \(name)\nload:\n  callers: 2\n",
            configJSON: "{\"callers\":2}", startedAt: "2025-01-01T10:00:00Z", endedAt: "2025-01-01T10:01:05Z",
            status: .completed, valid: valid, invalidReason: reason, harnessVersion: "0.1.0", host: "ci-box")
    }

    static func turn(_ index: Int, ttfa: Double?, outcome: Outcome = .ok, audioMs: Double? = 2000, stalls: Int = 0)
        -> TurnResult
    {
        TurnResult(
            turnIndex: index, utterance: "book-a-table.wav", eosMs: Double(index) * 4000, eosLateMs: 0.01,
            ttfaMs: ttfa, ttfaAudibleMs: ttfa.map { $0 + 30 }, voiceToVoiceMs: ttfa.map { $0 + 30 },
            responseMs: audioMs, responseAudioMs: audioMs, stallCount: stalls, stallMs: Double(stalls) * 150,
            outcome: outcome)
    }

    static func session(
        _ index: Int, turns: [TurnResult], outcome: Outcome = .ok, profile: String = "clean", connectMs: Double? = 10
    ) -> SessionResult {
        SessionResult(
            callerIndex: index, sessionIndex: index, transport: "websocket", dialect: "chorus", codec: "pcm16/16000",
            networkProfile: profile, intendedStartMs: Double(index) * 50, startedMs: Double(index) * 50 + 1,
            connectMs: connectMs, endedMs: 20_000, outcome: outcome, error: nil, turns: turns)
    }

    /// Ten turns in two sessions with TTFAs 100, 200 … 1000 ms; the turn with TTFA 1000 timed out.
    static func tenTurns(profile: String = "clean") -> [SessionResult] {
        let turns = (1...10).map { n in
            Self.turn((n - 1) % 5, ttfa: Double(n) * 100, outcome: n == 10 ? .timeout : .ok)
        }
        return [
            Self.session(0, turns: Array(turns[0..<5]), profile: profile),
            Self.session(1, turns: Array(turns[5..<10]), outcome: .timeout, profile: profile),
        ]
    }

    static func report(name: String = "quickstart", cells: [String] = ["clean"], gates: [GateResult] = []) -> RunReport {
        var sessions: [SessionResult] = []
        for (i, profile) in cells.enumerated() {
            sessions += Self.tenTurns(profile: profile).map { s in
                var s = s
                s.sessionIndex += i * 2
                return s
            }
        }
        let samples = (0..<20).map { t in
            HarnessSample(
                tMs: Double(t) * 1000, activeSessions: min(t, 10) * 2, turnsPerSecond: 1, sendLateP99Us: 400 + Double(t) * 10,
                loopLagP99Us: 900, cpuPct: 20, rssMB: 50)
        }
        return RunReport(run: Self.run(name: name), sessions: sessions, samples: samples, gates: gates)
    }

    static func threshold(_ metric: String, _ rule: String) throws -> Threshold {
        try Threshold.parse(metric: metric, rule: rule).get()
    }
}
