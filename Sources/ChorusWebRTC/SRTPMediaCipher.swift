import CChorusSRTPCrypto

/// RTP's two directions of one `SRTPSession` with AEAD_AES_128_GCM, for the per-packet path: each call goes
/// straight to the direction's cipher block (keys, packet indices and replay window in one allocation), so a packet
/// touches neither the session object nor libsrtp. Refusals are counted in the blocks and show in the session's
/// counters.
///
/// Valid only while its session lives: keep the session too. Not thread-safe, as the session.
public struct SRTPMediaCipher {
    let outbound: OpaquePointer
    let inbound: OpaquePointer

    /// Protects `length` bytes of RTP in place; `buffer` must have room for `length + SRTPSession.maxTrailer`
    /// bytes. Returns the SRTP packet's length, nil when the packet is refused (malformed, or an index already used).
    @inline(__always)
    public func protect(_ buffer: UnsafeMutableRawPointer, length: Int) -> Int? {
        var out = 0
        let status = chorus_srtp_gcm_protect(self.outbound, buffer.assumingMemoryBound(to: UInt8.self), length, &out)
        return Int(status) == CHORUS_SRTP_OK ? out : nil
    }

    /// Asks the CPU for the outbound block's first cache lines ahead of `protect`, without waiting for them.
    @inline(__always)
    public func prefetchOutbound() { chorus_srtp_gcm_prefetch(self.outbound) }

    /// Asks the CPU for the inbound block's first cache lines ahead of `unprotect`, without waiting for them.
    @inline(__always)
    public func prefetchInbound() { chorus_srtp_gcm_prefetch(self.inbound) }

    /// Checks and decrypts `length` bytes of SRTP in place; returns the RTP packet's length, or nil when the packet
    /// fails authentication, is a replay, or is malformed.
    @inline(__always)
    public func unprotect(_ buffer: UnsafeMutableRawPointer, length: Int) -> Int? {
        var out = 0
        let status = chorus_srtp_gcm_unprotect(self.inbound, buffer.assumingMemoryBound(to: UInt8.self), length, &out)
        return Int(status) == CHORUS_SRTP_OK ? out : nil
    }
}

@available(*, unavailable)
extension SRTPMediaCipher: Sendable {}
