/// CRC-32 as IEEE 802.3 and zlib compute it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF):
/// the checksum under STUN's FINGERPRINT (RFC 8489 §14.7).
enum CRC32 {
    // Built once on first use (a global `static let` is initialized lazily and thread-safely), then only read.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// The CRC-32 of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        self.table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
            return ~crc
        }
    }
}
