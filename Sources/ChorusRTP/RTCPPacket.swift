/// One RTCP packet inside a compound packet (RFC 3550 §6). SR/RR/SDES/BYE are decoded; the rest is kept raw.
public enum RTCPPacket: Sendable, Hashable {
    /// PT 200.
    case senderReport(RTCPSenderReport)
    /// PT 201.
    case receiverReport(RTCPReceiverReport)
    /// PT 202 (CNAME items only).
    case sourceDescription(RTCPSourceDescription)
    /// PT 203.
    case bye(RTCPBye)
    /// Any other type (APP 204, RTPFB 205, PSFB 206, XR 207, …): the 5-bit count field and the body after the
    /// 4-byte common header, padding removed.
    case other(packetType: UInt8, count: UInt8, body: [UInt8])

    /// Packet type values.
    public static let senderReportType: UInt8 = 200
    public static let receiverReportType: UInt8 = 201
    public static let sourceDescriptionType: UInt8 = 202
    public static let byeType: UInt8 = 203
    /// At most this many report blocks or SDES chunks / BYE sources fit the 5-bit count; extras are not written.
    public static let maxCount = 31

    /// Whether a datagram on an rtcp-mux port is RTCP rather than RTP: version 2 and second byte in 192...223
    /// (RFC 5761 §4).
    public static func isRTCP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && bytes[0] >> 6 == 2 && (192...223).contains(bytes[1])
    }
}

/// RTCP sender report: sender info plus reception report blocks.
public struct RTCPSenderReport: Sendable, Hashable {
    /// The sender's SSRC.
    public var ssrc: UInt32
    /// Wall-clock time of the report.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant in the sender's RTP timestamp units.
    public var rtpTimestamp: UInt32
    /// RTP packets sent since the sender started (wrapping).
    public var packetCount: UInt32
    /// RTP payload octets sent since the sender started (headers and padding excluded; wrapping).
    public var octetCount: UInt32
    /// Reception reports about sources this participant hears (at most 31 are written).
    public var reports: [RTCPReportBlock]

    /// Creates a sender report.
    public init(
        ssrc: UInt32,
        ntpTimestamp: NTPTimestamp,
        rtpTimestamp: UInt32,
        packetCount: UInt32,
        octetCount: UInt32,
        reports: [RTCPReportBlock] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
    }
}

/// RTCP receiver report: the reporter's SSRC and reception report blocks.
public struct RTCPReceiverReport: Sendable, Hashable {
    /// The reporter's SSRC.
    public var ssrc: UInt32
    /// At most 31 are written.
    public var reports: [RTCPReportBlock]

    /// Creates a receiver report.
    public init(ssrc: UInt32, reports: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.reports = reports
    }
}

/// RTCP source description. Only CNAME items are written or kept.
public struct RTCPSourceDescription: Sendable, Hashable {
    /// One source's CNAME.
    public struct Chunk: Sendable, Hashable {
        /// The source.
        public var ssrc: UInt32
        /// Its canonical name, UTF-8, at most 255 bytes written; "" when a parsed chunk has no CNAME item.
        public var cname: String

        /// Creates a chunk.
        public init(ssrc: UInt32, cname: String) {
            self.ssrc = ssrc
            self.cname = cname
        }
    }

    /// The chunks (at most 31 are written).
    public var chunks: [Chunk]

    /// Creates an SDES packet.
    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    /// An SDES packet with one CNAME.
    public init(ssrc: UInt32, cname: String) {
        self.init(chunks: [Chunk(ssrc: ssrc, cname: cname)])
    }
}

/// RTCP BYE: the sources leaving, with an optional reason.
public struct RTCPBye: Sendable, Hashable {
    /// The sources leaving (at most 31 are written).
    public var ssrcs: [UInt32]
    /// Why, UTF-8, at most 255 bytes written.
    public var reason: String?

    /// Creates a BYE packet.
    public init(ssrcs: [UInt32], reason: String? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }
}

// MARK: - Building

extension RTCPPacket {
    /// Bytes this packet takes on the wire (a multiple of 4).
    public var encodedSize: Int {
        switch self {
        case .senderReport(let sr): 28 + RTCPReportBlock.size * min(sr.reports.count, Self.maxCount)
        case .receiverReport(let rr): 8 + RTCPReportBlock.size * min(rr.reports.count, Self.maxCount)
        case .sourceDescription(let sdes):
            4 + sdes.chunks.prefix(Self.maxCount).reduce(0) { $0 + Self.chunkSize(cnameBytes: $1.cname.utf8.count) }
        case .bye(let bye): 4 + 4 * min(bye.ssrcs.count, Self.maxCount) + Self.reasonSize(bye.reason)
        case .other(_, _, let body): 4 + (body.count + 3) / 4 * 4
        }
    }

    /// Serializes the packet at the start of `buffer`.
    ///
    /// - Returns: bytes written (`encodedSize`), or 0 when `buffer` is too small.
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let size = self.encodedSize
        guard buffer.count >= size else { return 0 }
        buffer.writeZeros(at: 0, count: size)
        let (type, count) = self.typeAndCount
        buffer[0] = 0x80 | (count & 0x1F)
        buffer[1] = type
        buffer.writeUInt16(UInt16(size / 4 - 1), at: 2)
        self.writeBody(into: buffer)
        return size
    }

    /// A compound packet: the packets back to back (put an SR or RR first, then SDES, as RFC 3550 §6.1 asks).
    public static func compound(_ packets: [RTCPPacket]) -> [UInt8] {
        let size = packets.reduce(0) { $0 + $1.encodedSize }
        return makeBytes(size: size) { buffer in
            var offset = 0
            for packet in packets {
                offset += packet.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            }
            return offset
        }
    }

    private var typeAndCount: (UInt8, UInt8) {
        switch self {
        case .senderReport(let sr): (Self.senderReportType, UInt8(min(sr.reports.count, Self.maxCount)))
        case .receiverReport(let rr): (Self.receiverReportType, UInt8(min(rr.reports.count, Self.maxCount)))
        case .sourceDescription(let sdes): (Self.sourceDescriptionType, UInt8(min(sdes.chunks.count, Self.maxCount)))
        case .bye(let bye): (Self.byeType, UInt8(min(bye.ssrcs.count, Self.maxCount)))
        case .other(let type, let count, _): (type, count)
        }
    }

    /// The body after the 4-byte common header; `buffer` is already zeroed, so padding needs no writes.
    private func writeBody(into buffer: UnsafeMutableRawBufferPointer) {
        switch self {
        case .senderReport(let sr):
            buffer.writeUInt32(sr.ssrc, at: 4)
            buffer.writeUInt32(sr.ntpTimestamp.seconds, at: 8)
            buffer.writeUInt32(sr.ntpTimestamp.fraction, at: 12)
            buffer.writeUInt32(sr.rtpTimestamp, at: 16)
            buffer.writeUInt32(sr.packetCount, at: 20)
            buffer.writeUInt32(sr.octetCount, at: 24)
            Self.writeBlocks(sr.reports, into: buffer, at: 28)
        case .receiverReport(let rr):
            buffer.writeUInt32(rr.ssrc, at: 4)
            Self.writeBlocks(rr.reports, into: buffer, at: 8)
        case .sourceDescription(let sdes):
            var offset = 4
            for chunk in sdes.chunks.prefix(Self.maxCount) {
                offset = Self.writeChunk(chunk, into: buffer, at: offset)
            }
        case .bye(let bye):
            for (i, ssrc) in bye.ssrcs.prefix(Self.maxCount).enumerated() {
                buffer.writeUInt32(ssrc, at: 4 + 4 * i)
            }
            if let reason = bye.reason {
                Self.writeText(reason, into: buffer, at: 4 + 4 * min(bye.ssrcs.count, Self.maxCount))
            }
        case .other(_, _, let body):
            body.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[4...]).copyMemory(from: $0) }
        }
    }

    private static func writeBlocks(_ blocks: [RTCPReportBlock], into buffer: UnsafeMutableRawBufferPointer, at: Int) {
        for (i, block) in blocks.prefix(Self.maxCount).enumerated() {
            block.write(into: buffer, at: at + RTCPReportBlock.size * i)
        }
    }

    /// SSRC, CNAME item (type 1, length, text), then at least one zero byte, padded to a word.
    private static func chunkSize(cnameBytes: Int) -> Int {
        (4 + 2 + min(cnameBytes, 255) + 1 + 3) / 4 * 4
    }

    private static func reasonSize(_ reason: String?) -> Int {
        guard let reason else { return 0 }
        return (1 + min(reason.utf8.count, 255) + 3) / 4 * 4
    }

    private static func writeChunk(
        _ chunk: RTCPSourceDescription.Chunk,
        into buffer: UnsafeMutableRawBufferPointer,
        at offset: Int
    ) -> Int {
        buffer.writeUInt32(chunk.ssrc, at: offset)
        buffer[offset + 4] = 1  // CNAME
        Self.writeText(chunk.cname, into: buffer, at: offset + 5)
        return offset + Self.chunkSize(cnameBytes: chunk.cname.utf8.count)
    }

    /// A length byte then up to 255 UTF-8 bytes.
    private static func writeText(_ text: String, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        let bytes = text.utf8.prefix(255)
        buffer[offset] = UInt8(bytes.count)
        for (i, byte) in bytes.enumerated() {
            buffer[offset + 1 + i] = byte
        }
    }
}
