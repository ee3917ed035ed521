/// G.711 µ-law (PCMU), as in the ITU-T/Sun reference code: bias 0x84, clip at 32635, bytes stored inverted.
public enum G711 {
    private static let bias: Int32 = 0x84
    private static let clip: Int32 = 32635

    /// Every µ-law byte's linear value, so decoding is one table read.
    private static let muLawTable: [Int16] = (0...255).map { Self.muLawDecodeSlow(UInt8($0)) }

    /// The µ-law byte for one linear sample.
    public static func muLawEncode(_ sample: Int16) -> UInt8 {
        var magnitude = Int32(sample)
        let sign: Int32 = magnitude < 0 ? 0x80 : 0
        if sign != 0 { magnitude = -magnitude }  // Int32, so -(-32768) cannot overflow
        magnitude = Swift.min(magnitude, Self.clip) + Self.bias
        // The segment (exponent) is the position of the top set bit above bit 7; magnitude ≥ 0x84 keeps it ≥ 0.
        let exponent = Int32(Int32.bitWidth - 1 - (magnitude >> 7).leadingZeroBitCount)
        let mantissa = (magnitude >> (exponent + 3)) & 0x0F
        return ~UInt8(truncatingIfNeeded: sign | (exponent << 4) | mantissa)
    }

    /// The linear sample for one µ-law byte.
    public static func muLawDecode(_ byte: UInt8) -> Int16 {
        Self.muLawTable[Int(byte)]
    }

    /// µ-law bytes for `samples`, one byte per sample.
    public static func muLawEncode(_ samples: some Collection<Int16>) -> [UInt8] {
        samples.map { Self.muLawEncode($0) }
    }

    /// Linear samples for µ-law `bytes`, one sample per byte.
    public static func muLawDecode(_ bytes: some Collection<UInt8>) -> [Int16] {
        bytes.map { Self.muLawTable[Int($0)] }
    }

    /// Decodes µ-law `bytes` into `output` without allocating; decodes `min(bytes.count, output.count)` samples
    /// and returns that count.
    public static func muLawDecode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
        -> Int
    {
        let n = min(bytes.count, output.count)
        Self.muLawTable.withUnsafeBufferPointer { table in
            for i in 0..<n {
                output[i] = table[Int(bytes[i])]
            }
        }
        return n
    }

    private static func muLawDecodeSlow(_ byte: UInt8) -> Int16 {
        let u = Int32(~byte)
        let exponent = (u >> 4) & 0x07
        let mantissa = u & 0x0F
        let t = ((mantissa << 3) + Self.bias) << exponent
        return Int16((u & 0x80) != 0 ? Self.bias - t : t - Self.bias)
    }
}
