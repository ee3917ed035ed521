import Testing

@testable import ChorusTransport

@Suite struct PacerSlotsTests {
    @Test func fewCallersShareOneSlotSoTheLoopWakesFiftyTimesASecond() {
        var slots = PacerSlots()
        let chosen = (0..<PacerSlots.callersPerSlot).map { _ in slots.assign() }
        #expect(Set(chosen) == [0])
        #expect(slots.occupancy.filter { $0 > 0 }.count == 1)
    }

    @Test func aHundredCallersOpenTenEvenlySpreadSlots() {
        var slots = PacerSlots()
        for _ in 0..<100 { _ = slots.assign() }
        let open = (0..<PacerSlots.count).filter { slots.occupancy[$0] > 0 }
        #expect(open.count == 10)
        #expect(open.allSatisfy { slots.occupancy[$0] == 10 })
        // Spread over the period: no gap between neighbouring open slots (around the period) exceeds 3 ms.
        let gaps = zip(open, open.dropFirst() + [open[0] + PacerSlots.count]).map { $1 - $0 }
        #expect(gaps.max()! <= 3)
    }

    @Test func aThousandCallersUseEverySlotEvenly() {
        var slots = PacerSlots()
        for _ in 0..<1000 { _ = slots.assign() }
        #expect(slots.occupancy == [Int](repeating: 50, count: PacerSlots.count))
    }

    @Test func aFreedPlaceIsFilledBeforeASlotOpens() {
        var slots = PacerSlots()
        for _ in 0..<20 { _ = slots.assign() }  // slots 0 and 10, ten each
        slots.release(10)
        #expect(slots.assign() == 10)
        #expect(slots.occupancy.filter { $0 > 0 }.count == 2)
    }

    @Test func theNextOccupiedTickSkipsEmptySlotsAcrossThePeriodBoundary() {
        var slots = PacerSlots()
        #expect(slots.nextOccupied(from: 7) == 7)  // nobody: no skipping
        for _ in 0..<11 { _ = slots.assign() }  // slots 0 and 10
        #expect(slots.nextOccupied(from: 40) == 40)
        #expect(slots.nextOccupied(from: 41) == 50)
        #expect(slots.nextOccupied(from: 51) == 60)
        slots.release(0)
        slots.release(0)
        #expect(slots.nextOccupied(from: 51) == 60)  // slot 0 still has callers
    }
}
