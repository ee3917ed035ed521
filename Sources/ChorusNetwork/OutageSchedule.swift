/// When the periodic outages of an `Outage` happen: outage `n` starts at `phase + n·interval` on the caller's clock
/// and lasts a duration drawn from a hash of (seed, n). Stateless, so any instant can be asked about in any order,
/// and two schedules with the same seed (the two directions of one link) fail together.
struct OutageSchedule: Sendable {
    private let intervalNs: Int64
    private let phaseNs: Int64
    private let minNs: Double
    private let spanNs: Double
    private let seed: UInt64

    init(outage: Outage?, seed: UInt64) {
        let outage = outage ?? Outage(intervalMs: 0, minDurationMs: 0, maxDurationMs: 0)
        self.intervalNs = Int64((max(0, outage.intervalMs) * 1_000_000).rounded())
        self.minNs = max(0, outage.minDurationMs) * 1_000_000
        self.spanNs = max(0, outage.maxDurationMs - outage.minDurationMs) * 1_000_000
        self.seed = seed
        var random = ImpairmentRandom(seed: seed, stream: 0x07A6E)
        self.phaseNs = Int64(random.nextUnit() * Double(self.intervalNs))
    }

    /// Whether the link is down at `timeNs`.
    func isDown(atNs timeNs: Int64) -> Bool {
        guard self.intervalNs > 0 else { return false }
        let offset = timeNs &- self.phaseNs
        var index = offset / self.intervalNs
        if offset < 0 && offset % self.intervalNs != 0 { index -= 1 }  // floor division
        let startNs = self.phaseNs &+ index &* self.intervalNs
        var random = ImpairmentRandom(seed: ImpairmentRandom.derivedSeed(self.seed, UInt64(bitPattern: index)))
        let durationNs = self.minNs + self.spanNs * random.nextUnit()
        return Double(timeNs &- startNs) < durationNs
    }
}
