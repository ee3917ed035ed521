import ChorusCore
import ChorusStore
import Testing

@Suite("ResultStore drift columns")
struct DriftColumnsTests {
    @Test("A session's TTFA slope, its interval and the clock drift are written with it; ppm reads back")
    func driftColumnsAreStored() async throws {
        try await StoreFixtures.withStore { store in
            try store.insertRun(StoreFixtures.run("run-d"))
            var rising = StoreFixtures.session(0, turns: 8)
            for k in rising.turns.indices { rising.turns[k].ttfaMs = 300 + 12 * Double(k) }
            rising.clockDriftPpm = 201.5
            let short = StoreFixtures.session(1, turns: 3)
            try store.insertSessions([rising, short], runId: "run-d")
            let rows = try store.rawRows(
                sql: """
                    SELECT session_index, ttfa_slope_ms_per_turn AS s, ttfa_slope_low AS lo, ttfa_slope_high AS hi,
                        v2v_slope_ms_per_turn AS v, clock_drift_ppm AS ppm FROM sessions ORDER BY session_index
                    """)
            #expect(rows[0]["s"] == .real(12) && rows[0]["lo"] == .real(12) && rows[0]["hi"] == .real(12))
            #expect(rows[0]["v"] == .real(0), "the fixture's voice-to-voice is flat")
            #expect(rows[0]["ppm"] == .real(201.5))
            // Three turns are too few to fit: NULL, not a made-up slope.
            #expect(rows[1]["s"] == .null && rows[1]["ppm"] == .null)
            #expect(try store.sessions(runId: "run-d").map(\.clockDriftPpm) == [201.5, nil])
        }
    }
}
