/// A tiny seeded random number generator for the hot path (SplitMix64).
///
/// `SystemRandomNumberGenerator` makes a `getrandom` syscall per call on Linux; this one is a few
/// integer operations (inlinable, so calls from other modules cost no call), and the same seed gives the same
/// sequence, so runs repeat.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    @inlinable
    public init(seed: UInt64) { self.state = seed }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
