import Testing

@testable import ChorusEngine

@Suite("Session admission against max_concurrency and the open-file limit")
struct SessionGateTests {
    @Test func sessionsPastTheCapAreDroppedUntilOneFinishes() {
        let gate = SessionGate(maxOpenCalls: nil)
        let first = (0..<5).map { _ in gate.admit(maxConcurrency: 3) }
        #expect(first == [
            .admitted(index: 0), .admitted(index: 1), .admitted(index: 2),
            .overConcurrency(index: 3), .overConcurrency(index: 4),
        ])
        gate.finish()
        #expect(gate.admit(maxConcurrency: 3) == .admitted(index: 5))
        #expect(gate.running == 3)
        #expect(gate.dropped == 2)
    }

    @Test func theOpenFileLimitTurnsSessionsAwayAsItsOwnOutcome() {
        let gate = SessionGate(maxOpenCalls: 1)
        #expect(gate.admit() == .admitted(index: 0))
        #expect(gate.admit() == .overOpenFiles(index: 1))
        #expect(gate.admit(maxConcurrency: 1) == .overConcurrency(index: 2))
        #expect(gate.dropped == 1)
    }

    @Test("Concurrent arrivals never start more sessions than the cap")
    func concurrentArrivalsNeverExceedTheCap() async {
        let gate = SessionGate(maxOpenCalls: nil)
        let arrivals = 200
        let cap = 7
        // Nobody finishes until every arrival has been decided, so every admission races against all the others.
        let admissions = await withTaskGroup(of: SessionGate.Admission.self) { group in
            for _ in 0..<arrivals {
                group.addTask { gate.admit(maxConcurrency: cap) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let admitted = admissions.filter { if case .admitted = $0 { true } else { false } }
        #expect(admitted.count == cap)
        #expect(gate.running == cap)
        #expect(gate.dropped == arrivals - cap)
        let indexes = admissions.map {
            switch $0 {
            case .admitted(let i), .overConcurrency(let i), .overOpenFiles(let i): i
            }
        }
        #expect(Set(indexes) == Set(0..<arrivals))
        for _ in admitted { gate.finish() }
        #expect(gate.running == 0)
    }
}
