#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// RMS levels in dBFS, for frames as they arrive.
///
/// Full scale is 32768, so a full-scale square wave reads 0 dBFS and a full-scale sine about -3.01 dBFS.
/// Empty or all-zero input reads `-Double.infinity`, which compares below every threshold.
/// These run per received 20 ms frame, so they never allocate.
public enum AudioLevel {
    /// The level of an empty or digitally silent frame.
    public static let silence = -Double.infinity

    /// RMS level of PCM16 samples, in dBFS.
    public static func rmsDBFS(_ samples: UnsafeBufferPointer<Int16>) -> Double {
        var sumOfSquares: Int64 = 0
        for sample in samples {
            let s = Int64(sample)
            sumOfSquares &+= s * s
        }
        return Self.dbfs(sumOfSquares: Double(sumOfSquares), count: samples.count)
    }

    /// RMS level of little-endian PCM16 bytes, in dBFS; an odd trailing byte is ignored.
    public static func rmsDBFS(pcm16LE bytes: UnsafeRawBufferPointer) -> Double {
        let count = bytes.count / 2
        var sumOfSquares: Int64 = 0
        for i in 0..<count {
            let s = Int64(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
            sumOfSquares &+= s * s
        }
        return Self.dbfs(sumOfSquares: Double(sumOfSquares), count: count)
    }

    /// RMS level of G.711 µ-law bytes (one sample per byte), in dBFS.
    public static func rmsDBFS(muLaw bytes: UnsafeRawBufferPointer) -> Double {
        var sumOfSquares: Int64 = 0
        for byte in bytes {
            let s = Int64(G711.muLawDecode(byte))
            sumOfSquares &+= s * s
        }
        return Self.dbfs(sumOfSquares: Double(sumOfSquares), count: bytes.count)
    }

    /// RMS level of PCM16 samples held in an array, in dBFS.
    public static func rmsDBFS(_ samples: [Int16]) -> Double {
        samples.withUnsafeBufferPointer { Self.rmsDBFS($0) }
    }

    /// The linear amplitude (in PCM16 units, full scale 32768) of a level in dBFS.
    public static func amplitude(dbfs: Double) -> Double {
        32768 * pow(10, dbfs / 20)
    }

    static func dbfs(sumOfSquares: Double, count: Int) -> Double {
        guard count > 0, sumOfSquares > 0 else { return Self.silence }
        let rms = (sumOfSquares / Double(count)).squareRoot()
        return 20 * log10(rms / 32768)
    }
}
