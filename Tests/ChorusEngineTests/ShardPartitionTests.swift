import ChorusCore
import Testing

@testable import ChorusEngine

/// The partition of a sharded run: every caller in exactly one shard, even sizes, rates that add up.
@Suite("shard partition")
struct ShardPartitionTests {
    @Test("every caller slot is in exactly one shard, and shard sizes differ by at most one")
    func everySlotInExactlyOneShard() throws {
        for count in 1...9 {
            for total in 0...60 {
                var seen = [Int](repeating: 0, count: total)
                var sizes: [Int] = []
                for index in 0..<count {
                    let shard = try #require(ShardPartition(index: index, count: count))
                    let slots = Array(shard.slots(of: total))
                    #expect(slots.count == shard.slotCount(of: total), "\(shard), \(total) callers")
                    #expect(slots.allSatisfy { shard.owns(slot: $0) })
                    for s in slots { seen[s] += 1 }
                    sizes.append(slots.count)
                }
                #expect(seen.allSatisfy { $0 == 1 }, "\(count) shards, \(total) callers: \(seen)")
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(sizes)")
                #expect(sizes.reduce(0, +) == total)
            }
        }
    }

    @Test("open-model rates split by largest remainder add up to the whole rate")
    func ratesAddUp() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let rate = Double(rng.next() % 1_000_000) / 997 + 0.001
            let count = Int(rng.next() % 64) + 1
            let shares = (0..<count).map { ShardPartition(index: $0, count: count)!.share(ofRate: rate) }
            let units = shares.map { Int(($0 / ShardPartition.rateQuantum).rounded()) }
            #expect(units.reduce(0, +) == Int((rate / ShardPartition.rateQuantum).rounded()), "\(rate) over \(count)")
            #expect(abs(shares.reduce(0, +) - rate) <= ShardPartition.rateQuantum, "\(rate) over \(count)")
            #expect((units.max() ?? 0) - (units.min() ?? 0) <= 1)
        }
        #expect(ShardPartition.apportion(10, among: 3) == [4, 3, 3])
        #expect(ShardPartition.apportion(2, among: 4) == [1, 1, 0, 0])
        #expect(ShardPartition.whole.share(ofRate: 12.5) == 12.5)
    }

    @Test("concurrency caps split by largest remainder; no shard is left without room")
    func capsSplit() throws {
        for count in 1...8 {
            for cap in 1...40 {
                let shares = (0..<count).map { ShardPartition(index: $0, count: count)!.share(ofCap: cap) }
                if cap >= count { #expect(shares.reduce(0, +) == cap) }
                #expect(shares.allSatisfy { $0 >= 1 })
            }
        }
    }

    @Test("open-model slots of different shards never collide")
    func globalSlotsAreDistinct() {
        var seen = Set<Int>()
        for index in 0..<5 {
            let shard = ShardPartition(index: index, count: 5)!
            for local in 0..<100 { #expect(seen.insert(shard.globalSlot(local: local)).inserted) }
        }
    }

    @Test("the per-shard seed: the run's own when unsharded, distinct and repeatable per shard")
    func seeds() {
        #expect(ShardPartition.whole.seed(runSeed: 42) == 42)
        let seeds = (0..<16).map { ShardPartition(index: $0, count: 16)!.seed(runSeed: 42) }
        #expect(Set(seeds).count == 16)
        #expect(seeds == (0..<16).map { ShardPartition(index: $0, count: 16)!.seed(runSeed: 42) })
        #expect(ShardPartition(index: 3, count: 16)!.seed(runSeed: 43) != seeds[3])
    }

    @Test("an index outside 0..<count, or no shards, is no partition")
    func invalidPartitions() {
        #expect(ShardPartition(index: 3, count: 3) == nil)
        #expect(ShardPartition(index: -1, count: 3) == nil)
        #expect(ShardPartition(index: 0, count: 0) == nil)
        #expect(ShardPartition(index: 2, count: 3)?.description == "shard 2 of 3")
    }
}
