import ChorusCore

/// One RTCP reception report block (RFC 3550 §6.4.1), 24 bytes in an SR or RR.
public struct RTCPReportBlock: Sendable, Hashable {
    /// Bytes one block occupies.
    public static let size = 24
    /// The most cumulative loss the signed 24-bit field holds.
    public static let maxCumulativeLost: Int32 = 0x7F_FFFF
    /// The most negative cumulative loss (duplicates outnumbering losses) the field holds.
    public static let minCumulativeLost: Int32 = -0x80_0000

    /// SSRC_n: the source this block reports on.
    public var ssrc: UInt32
    /// Packets lost since the previous report, as a fixed-point fraction of 256.
    public var fractionLost: UInt8
    /// Packets lost since reception began (expected − received; negative with duplicates), 24-bit signed.
    public var cumulativeLost: Int32
    /// Highest sequence number received, extended with the wrap count in the high 16 bits.
    public var extendedHighestSequence: UInt32
    /// RFC 3550 interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// LSR: the middle 32 bits of the NTP timestamp of the last SR received from the source; 0 if none.
    public var lastSenderReport: UInt32
    /// DLSR: time between receiving that SR and sending this block, in 1/65536 s; 0 if no SR.
    public var delaySinceLastSenderReport: UInt32

    /// Creates a block; `cumulativeLost` is clamped to the signed 24-bit range.
    public init(
        ssrc: UInt32,
        fractionLost: UInt8,
        cumulativeLost: Int32,
        extendedHighestSequence: UInt32,
        jitter: UInt32,
        lastSenderReport: UInt32 = 0,
        delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = min(max(cumulativeLost, Self.minCumulativeLost), Self.maxCumulativeLost)
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// `fractionLost` as a share, 0...0.996.
    public var fractionLostRatio: Double { Double(self.fractionLost) / 256 }

    /// The RTT this block implies when it arrives at `arrival` (compact NTP on the SR sender's clock), in
    /// 1/65536 s; nil without an SR to refer to. See `NTPTimestamp.roundTripTime`.
    public func roundTripTime(arrival: UInt32) -> UInt32? {
        NTPTimestamp.roundTripTime(
            arrival: arrival,
            lastSenderReport: self.lastSenderReport,
            delaySinceLastSenderReport: self.delaySinceLastSenderReport
        )
    }

    /// The RTT in nanoseconds when the block arrives at `arrival`; nil without an SR to refer to.
    public func roundTripTimeNs(arrival: NTPTimestamp) -> Int64? {
        self.roundTripTime(arrival: arrival.compact).map { NTPTimestamp.nanoseconds(compact: $0) }
    }

    func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.writeUInt32(self.ssrc, at: offset)
        let lost = UInt32(bitPattern: self.cumulativeLost) & 0x00FF_FFFF
        buffer.writeUInt32(UInt32(self.fractionLost) << 24 | lost, at: offset + 4)
        buffer.writeUInt32(self.extendedHighestSequence, at: offset + 8)
        buffer.writeUInt32(self.jitter, at: offset + 12)
        buffer.writeUInt32(self.lastSenderReport, at: offset + 16)
        buffer.writeUInt32(self.delaySinceLastSenderReport, at: offset + 20)
    }

    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        let word = bytes.readUInt32(at: offset + 4)
        self.init(
            ssrc: bytes.readUInt32(at: offset),
            fractionLost: UInt8(word >> 24),
            cumulativeLost: Int32(bitPattern: word << 8) >> 8,  // sign-extend the low 24 bits
            extendedHighestSequence: bytes.readUInt32(at: offset + 8),
            jitter: bytes.readUInt32(at: offset + 12),
            lastSenderReport: bytes.readUInt32(at: offset + 16),
            delaySinceLastSenderReport: bytes.readUInt32(at: offset + 20)
        )
    }
}
