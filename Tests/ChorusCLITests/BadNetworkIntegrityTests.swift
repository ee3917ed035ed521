import Foundation
import Testing

/// The bad-networks comparison, shortened, run as a user runs it: every stored TTFA respects what the network
/// allows, and every impaired cell's TTFA matches the reference agent's ground truth through the impairment.
@Suite("Bad networks, end to end: physics and ground truth", .serialized)
struct BadNetworkIntegrityTests {
    /// Decoded from `--stats-json`: the accuracy per cell.
    struct Stats: Decodable {
        struct Accuracy: Decodable {
            var turns: Int
            var absErrorP99Ms: Double?
            var cells: [String: Accuracy]?
        }
        var accuracy: Accuracy?
    }

    @Test(.timeLimit(.minutes(4)))
    func noTurnBelowTheFloorAndTruthHoldsInEveryImpairedCell() throws {
        let dir = CLITests.tempDir()
        let db = "\(dir)/chorus.sqlite"
        let run = try CLITests.chorus([
            "run", "Scenarios/bad-networks.yaml", "--db", db, "--out", "\(dir)/report", "--callers", "18",
            "--seed", "11", "--set", "session.turns=3", "--set", "load.ramp=2s", "--set", "session.think_time=200ms..300ms",
            "--stats-json", "\(dir)/stats.json", "--format", "csv",
        ])
        // 1 would be an invalid run: an implausible TTFA or a harness the machine starved. Both fail here.
        #expect(run.code == 0, "stdout: \(run.out)\nstderr: \(run.err)")

        // No ok turn below the link's floor plus the agent's scripted 300 ms, allowing 20 ms per trailing speech
        // packet the link may drop (docs/metrics.md), and none implausible by the stored floor.
        let rows = try CLITests.sqlite(
            db,
            """
            SELECT s.transport || '/' || s.network_profile, t.ttfa_ms, COALESCE(s.ttfa_floor_ms, 0), t.eos_late_ms
            FROM turns t JOIN sessions s ON s.id = t.session_id WHERE t.outcome = 'ok'
            """)
        var okTurns = 0
        for line in rows.split(separator: "\n") {
            let f = line.split(separator: "|").map(String.init)
            guard f.count == 4, let ttfa = Double(f[1]), let floor = Double(f[2]) else { continue }
            okTurns += 1
            let late = Double(f[3]) ?? 0
            #expect(ttfa + late >= floor + 300 - 60, "\(f[0]): TTFA \(ttfa) ms under \(floor) ms + 300 ms")
        }
        #expect(okTurns >= 40, "\(rows)")

        let stats = try JSONDecoder.snake.decode(Stats.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/stats.json")))
        let cells = try #require(stats.accuracy?.cells)
        for cell in ["websocket/4g", "websocket/very-bad", "rtp/4g", "rtp/very-bad"] {
            let accuracy = try #require(cells[cell], "no accuracy for \(cell): \(cells.keys.sorted())")
            #expect(accuracy.turns >= 3, "\(cell): only \(accuracy.turns) turns compared")
            let p99 = try #require(accuracy.absErrorP99Ms)
            #expect(p99 <= 5, "\(cell): |TTFA − expected| p99 \(p99) ms")
        }
    }
}

extension JSONDecoder {
    /// A decoder for snake_case keys.
    static var snake: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
