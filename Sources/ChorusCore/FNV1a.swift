/// 64-bit FNV-1a: a hash that, unlike `Hasher`, is the same in every process and on every machine (scenario
/// fingerprints, run ids, per-metric seeds).
public enum FNV1a {
    /// The hash of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
