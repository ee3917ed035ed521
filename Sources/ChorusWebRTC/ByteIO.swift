import ChorusCore

// Big-endian (network order) reads at byte offsets and appends to a byte array. Callers check bounds first.

extension UnsafeRawBufferPointer {
    /// The bytes in `range` as their own buffer, indexed from 0.
    @inline(__always)
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendUInt16(_ value: UInt16) {
        self.append(UInt8(truncatingIfNeeded: value >> 8))
        self.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt32(_ value: UInt32) {
        self.appendUInt16(UInt16(truncatingIfNeeded: value >> 16))
        self.appendUInt16(UInt16(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt64(_ value: UInt64) {
        self.appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        self.appendUInt32(UInt32(truncatingIfNeeded: value))
    }

    /// Overwrites the two bytes at `offset`.
    @inline(__always)
    mutating func setUInt16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}
