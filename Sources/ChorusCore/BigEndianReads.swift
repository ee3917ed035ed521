// Big-endian (network order) reads at byte offsets, for the packet parsers (RTP, RTCP, STUN). Callers check
// bounds first: these are on the per-packet path, so they neither allocate nor re-validate.

extension UnsafeRawBufferPointer {
    /// The big-endian `UInt16` at `offset`.
    @inline(__always)
    public func readUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: self.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// The big-endian `UInt32` at `offset`.
    @inline(__always)
    public func readUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: self.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The big-endian `UInt64` at `offset`.
    @inline(__always)
    public func readUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: self.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
