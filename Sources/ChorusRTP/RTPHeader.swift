/// The RTP fixed header (RFC 3550 §5.1), with the CSRC list represented by its count only.
///
/// Parsing is `RTPHeader.parse(_:)` (in RTPPacketView.swift); writing is `write(into:audioLevel:csrcs:)`, which
/// lays the header out byte for byte as RFC 3550 §5.1 draws it, followed by the CSRC list and, when asked, an
/// RFC 8285 one-byte-form header extension carrying the RFC 6464 audio level:
///
/// ```
///  0                   1                   2                   3
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers ×CC         |
/// |      0xBE     |      0xDE     |           length=1            |   (X = 1)
/// |  ID   | len=0 |V|   level     |       0 (padding)             |
/// ```
public struct RTPHeader: Sendable, Hashable {
    /// The only RTP version there is.
    public static let version: UInt8 = 2
    /// Bytes in the fixed part of the header.
    public static let fixedSize = 12
    /// The RFC 8285 profile value for one-byte extension elements.
    public static let oneByteExtensionProfile: UInt16 = 0xBEDE
    /// Bytes the audio-level extension adds after the CSRCs: the 4-byte extension header and one padded word.
    public static let audioLevelExtensionSize = 8

    /// P: padding follows the payload; the last byte of the packet is the pad count (itself included).
    public var padding: Bool
    /// X: a header extension follows the CSRC list.
    public var hasExtension: Bool
    /// CC: how many CSRC identifiers follow the fixed header (0...15).
    public var csrcCount: UInt8
    /// M: for audio, the first packet of a talk spurt (RFC 3551).
    public var marker: Bool
    /// PT: 0...127 (0 = PCMU, 111 = Opus in WebRTC).
    public var payloadType: UInt8
    /// +1 per packet sent, wrapping at 65536.
    public var sequenceNumber: UInt16
    /// The sampling instant of the first sample, in the payload format's clock units.
    public var timestamp: UInt32
    /// The synchronization source.
    public var ssrc: UInt32

    /// Creates a header; `csrcCount` is masked to 4 bits and `payloadType` to 7.
    public init(
        padding: Bool = false,
        hasExtension: Bool = false,
        csrcCount: UInt8 = 0,
        marker: Bool = false,
        payloadType: UInt8,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: UInt32
    ) {
        self.padding = padding
        self.hasExtension = hasExtension
        self.csrcCount = csrcCount & 0x0F
        self.marker = marker
        self.payloadType = payloadType & 0x7F
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
    }

    /// Bytes `write` produces: fixed header, CSRCs, and the extension when there is one.
    public func encodedSize(withAudioLevel: Bool) -> Int {
        let csrcs = 4 * Int(self.csrcCount & 0x0F)
        let ext = withAudioLevel ? Self.audioLevelExtensionSize : (self.hasExtension ? 4 : 0)
        return Self.fixedSize + csrcs + ext
    }

    /// Writes the header (and extension) at the start of `buffer`; the payload goes right after the returned count.
    ///
    /// With `audioLevel`, X is set and an RFC 8285 one-byte extension (profile 0xBEDE, one word) carries the
    /// RFC 6464 element. Without it but with `hasExtension`, an empty 0xBEDE extension keeps the X bit truthful.
    /// The P bit is written as `padding` says; the caller appends the padding after the payload
    /// (`RTPHeader.writePadding`).
    ///
    /// - Parameters:
    ///   - audioLevel: the element's id (1...14), level in −dBov (clamped to 127) and V bit.
    ///   - csrcs: CSRC values for the `csrcCount` slots; missing ones are written as 0.
    /// - Returns: bytes written, or 0 (nothing written) when `buffer` is too small or the id is not 1...14.
    public func write(
        into buffer: UnsafeMutableRawBufferPointer,
        audioLevel: (id: UInt8, level: UInt8, voice: Bool)? = nil,
        csrcs: UnsafeBufferPointer<UInt32> = UnsafeBufferPointer(start: nil, count: 0)
    ) -> Int {
        let size = self.encodedSize(withAudioLevel: audioLevel != nil)
        guard buffer.count >= size else { return 0 }
        if let audioLevel, !(1...14).contains(audioLevel.id) { return 0 }
        let cc = Int(self.csrcCount & 0x0F)
        let hasExtension = self.hasExtension || audioLevel != nil
        buffer[0] = 0x80 | (self.padding ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | UInt8(cc)
        buffer[1] = (self.marker ? 0x80 : 0) | (self.payloadType & 0x7F)
        buffer.writeUInt16(self.sequenceNumber, at: 2)
        buffer.writeUInt32(self.timestamp, at: 4)
        buffer.writeUInt32(self.ssrc, at: 8)
        for i in 0..<cc {
            buffer.writeUInt32(i < csrcs.count ? csrcs[i] : 0, at: Self.fixedSize + 4 * i)
        }
        if hasExtension {
            let offset = Self.fixedSize + 4 * cc
            buffer.writeUInt16(Self.oneByteExtensionProfile, at: offset)
            buffer.writeUInt16(audioLevel == nil ? 0 : 1, at: offset + 2)
            if let audioLevel {
                buffer[offset + 4] = audioLevel.id << 4  // len field 0 = one data byte
                buffer[offset + 5] = RTPAudioLevel(level: audioLevel.level, voice: audioLevel.voice).byte
                buffer.writeUInt16(0, at: offset + 6)
            }
        }
        return size
    }

    /// Writes `count` bytes of RTP padding at the start of `buffer` (zeros, then the count as the last byte).
    ///
    /// - Returns: bytes written; 0 when `count` is outside 1...255 or does not fit.
    public static func writePadding(_ count: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard (1...255).contains(count), buffer.count >= count else { return 0 }
        buffer.writeZeros(at: 0, count: count - 1)
        buffer[count - 1] = UInt8(count)
        return count
    }

    /// A whole packet as a new array, for tests and for building packets once ahead of time (not per packet).
    ///
    /// `csrcCount` and `padding` are taken from `csrcs` (at most 15 are used) and `paddingCount` (0...255).
    ///
    /// - Precondition: `audioLevel?.id` is in 1...14.
    public static func packet(
        _ header: RTPHeader,
        csrcs: [UInt32] = [],
        audioLevel: (id: UInt8, level: UInt8, voice: Bool)? = nil,
        payload: [UInt8],
        paddingCount: Int = 0
    ) -> [UInt8] {
        var header = header
        header.csrcCount = UInt8(min(csrcs.count, 15))
        let padding = min(max(paddingCount, 0), 255)
        header.padding = padding > 0
        let headerSize = header.encodedSize(withAudioLevel: audioLevel != nil)
        return makeBytes(size: headerSize + payload.count + padding) { buffer in
            var offset = csrcs.withUnsafeBufferPointer { header.write(into: buffer, audioLevel: audioLevel, csrcs: $0) }
            precondition(offset == headerSize, "audio-level extension id must be 1...14")
            payload.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]).copyMemory(from: $0) }
            offset += payload.count
            if padding > 0 {
                offset += Self.writePadding(padding, into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            }
            return offset
        }
    }
}
