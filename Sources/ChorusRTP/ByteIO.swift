import ChorusCore

// Big-endian (network order) reads and writes at byte offsets. Callers check bounds first: these are on the
// per-packet path, so they neither allocate nor re-validate.

extension UnsafeRawBufferPointer {
    /// The UTF-8 text in `range` (invalid sequences are repaired, never rejected).
    func readString(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always)
    func writeUInt16(_ value: UInt16, at offset: Int) {
        self.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always)
    func writeUInt32(_ value: UInt32, at offset: Int) {
        self.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// Writes `count` zero bytes from `offset`.
    @inline(__always)
    func writeZeros(at offset: Int, count: Int) {
        for i in offset..<(offset + count) {
            self[i] = 0
        }
    }
}

/// Builds a byte array of exactly `size` bytes with `body`, which returns how many it wrote (checked to be `size`).
func makeBytes(size: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        let raw = UnsafeMutableRawBufferPointer(buffer)
        raw.writeZeros(at: 0, count: size)
        let written = body(raw)
        assert(written == size, "wrote \(written) of \(size) bytes")
        initialized = size
    }
}
