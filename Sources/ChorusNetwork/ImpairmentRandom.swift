import ChorusCore

/// The seeded random number generator behind every impairment decision (xoshiro256**, seeded through SplitMix64).
///
/// `SystemRandomNumberGenerator` makes a syscall per call and cannot be replayed; this is a few integer operations,
/// holds no references (copying it never allocates), and the same seed gives the same sequence on every platform.
public struct ImpairmentRandom: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose sequence is fixed by `seed`; `stream` selects an independent sequence for the same seed.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ Self.mix(stream &+ 0x632B_E59B_D9B4_E019))
        self.s0 = mixer.next()
        self.s1 = mixer.next()
        self.s2 = mixer.next()
        self.s3 = mixer.next()
        if (self.s0 | self.s1 | self.s2 | self.s3) == 0 { self.s0 = 1 }  // the all-zero state is a fixed point
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(self.s1 &* 5, 7) &* 9
        let t = self.s1 << 17
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = Self.rotl(self.s3, 45)
        return result
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability` (≤ 0 never, ≥ 1 always); always consumes one draw so sequences stay aligned.
    public mutating func chance(_ probability: Double) -> Bool {
        self.nextUnit() < probability
    }

    /// A seed for one sub-stream (a caller, a direction) derived from a run seed, well mixed so nearby inputs diverge.
    public static func derivedSeed(_ seed: UInt64, _ salt: UInt64) -> UInt64 {
        Self.mix(seed ^ Self.mix(salt &+ 0x9E37_79B9_7F4A_7C15))
    }

    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
