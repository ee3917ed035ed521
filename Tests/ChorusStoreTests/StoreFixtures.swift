import ChorusCore
import ChorusStore
import Foundation

/// Unique temporary databases and small hand-built results for the store tests.
enum StoreFixtures {
    /// Runs `body` with a store at a fresh path inside a fresh directory, removed afterwards.
    static func withStore<T>(_ body: (ResultStore) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chorus-store-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultStore(path: directory.appendingPathComponent("nested/results.sqlite").path)
        return try await body(store)
    }

    static func run(_ id: String, startedAt: String = "2025-01-01T10:00:00Z", name: String = "quickstart") -> RunInfo {
        RunInfo(
            id: id, name: name, scenarioYAML: "name: \(name)\n", configJSON: "{\"callers\":2}", startedAt: startedAt,
            harnessVersion: "0.1.0", host: "test-host", gitCommit: "abc123")
    }

    static func turn(_ index: Int, ttfa: Double? = 412.125, outcome: Outcome = .ok) -> TurnResult {
        TurnResult(
            turnIndex: index, utterance: "book-a-table.wav", eosMs: 1000.5 + Double(index) * 3000, eosLateMs: 0.042,
            ttfaMs: ttfa, ttfaAudibleMs: ttfa.map { $0 + 20.25 }, voiceToVoiceMs: ttfa.map { $0 + 20.25 },
            responseMs: 1800.75, responseAudioMs: 1760, stallCount: index % 2, stallMs: Double(index % 2) * 120.5,
            outcome: outcome, bargeInMs: nil)
    }

    static func session(_ index: Int, turns: Int = 3, profile: String = "clean") -> SessionResult {
        SessionResult(
            callerIndex: index % 4, sessionIndex: index, transport: "websocket", dialect: "chorus",
            codec: "pcm16/16000", networkProfile: profile, intendedStartMs: Double(index) * 100,
            startedMs: Double(index) * 100 + 0.375, connectMs: 12.5, endedMs: Double(index) * 100 + 9000,
            outcome: .ok, error: nil, turns: (0..<turns).map { turn($0) })
    }

    static func sample(_ second: Int) -> HarnessSample {
        HarnessSample(
            tMs: Double(second) * 1000, activeSessions: second * 10, turnsPerSecond: 4.5, sendLateP99Us: 850,
            loopLagP99Us: 1200, cpuPct: 35.5, rssMB: 64.25)
    }

    static func count(_ table: String, in store: ResultStore) throws -> Int64 {
        guard case .integer(let n)? = try store.rawRows(sql: "SELECT count(*) AS n FROM \(table)").first?["n"] else {
            return -1
        }
        return n
    }
}
