import ChorusCore
import ChorusStore
import Testing

@Suite("ResultWriter")
struct ResultWriterTests {
    @Test(.timeLimit(.minutes(1)))
    func flushWritesEverythingAddedFromManyCallers() async throws {
        try await StoreFixtures.withStore { store in
            let writer = ResultWriter(store: store, runId: "r", maxBatch: 64)
            await withTaskGroup(of: Void.self) { group in
                for caller in 0..<10 {
                    group.addTask {
                        for n in 0..<50 { await writer.add(StoreFixtures.session(caller * 50 + n, turns: 2)) }
                    }
                }
                group.addTask {
                    for second in 0..<30 { await writer.add(StoreFixtures.sample(second)) }
                }
            }
            try await writer.flush()
            #expect(await writer.pendingCount == 0)
            #expect(try StoreFixtures.count("sessions", in: store) == 500)
            #expect(try StoreFixtures.count("turns", in: store) == 1000)
            #expect(try StoreFixtures.count("samples", in: store) == 30)
            let sessions = try store.sessions(runId: "r")
            #expect(sessions.map(\.sessionIndex) == Array(0..<500))
            #expect(sessions[123] == StoreFixtures.session(123, turns: 2))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingRunFlushesWhatIsPending() async throws {
        try await StoreFixtures.withStore { store in
            // An interval far longer than the test: only the flush on cancellation can write the rows.
            let writer = ResultWriter(store: store, runId: "r", flushInterval: .seconds(3600))
            let task = Task { await writer.run() }
            for index in 0..<7 { await writer.add(StoreFixtures.session(index)) }
            await writer.add(StoreFixtures.sample(1))
            task.cancel()
            await task.value
            #expect(await writer.pendingCount == 0)
            let sessions = try store.sessions(runId: "r")
            let samples = try store.samples(runId: "r")
            #expect(sessions.count == 7)
            #expect(samples.count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func reachingMaxBatchWritesWithoutWaitingForAFlush() async throws {
        try await StoreFixtures.withStore { store in
            let writer = ResultWriter(store: store, runId: "r", flushInterval: .seconds(3600), maxBatch: 3)
            for index in 0..<4 { await writer.add(StoreFixtures.session(index)) }
            #expect(try StoreFixtures.count("sessions", in: store) == 3)
            #expect(await writer.pendingCount == 1)
            try await writer.flush()
            #expect(try StoreFixtures.count("sessions", in: store) == 4)
        }
    }
}
