import ChorusCore

extension RTCPPacket {
    /// Parses a compound RTCP packet (RFC 3550 §6.1; validity checks after Appendix A.2).
    ///
    /// Every packet must be version 2 with a type in 192...223, the length fields must tile the buffer exactly,
    /// and report/chunk counts must fit their packet; padding (P) is honoured on any packet. Extra bytes after the
    /// report blocks of an SR/RR (profile extensions) are ignored. Allocates, but RTCP arrives every few seconds.
    public static func parseCompound(_ bytes: UnsafeRawBufferPointer) -> Result<[RTCPPacket], RTPParseError> {
        var packets: [RTCPPacket] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 4 else {
                return .failure(.truncated(needed: offset + 4, available: bytes.count))
            }
            let end = offset + 4 * (Int(bytes.readUInt16(at: offset + 2)) + 1)
            guard end <= bytes.count else { return .failure(.truncated(needed: end, available: bytes.count)) }
            switch Self.parseOne(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) {
            case .success(let packet): packets.append(packet)
            case .failure(let error): return .failure(error)
            }
            offset = end
        }
        return packets.isEmpty ? .failure(.emptyCompound) : .success(packets)
    }

    /// One packet whose buffer is exactly its length field's size.
    static func parseOne(_ packet: UnsafeRawBufferPointer) -> Result<RTCPPacket, RTPParseError> {
        let version = packet[0] >> 6
        guard version == 2 else { return .failure(.unsupportedVersion(version)) }
        let type = packet[1]
        guard (192...223).contains(type) else { return .failure(.notRTCP(packetType: type)) }
        let count = Int(packet[0] & 0x1F)
        var end = packet.count
        if packet[0] & 0x20 != 0 {
            let pad = Int(packet[end - 1])
            guard pad >= 1, pad <= end - 4 else { return .failure(.invalidPadding(count: pad)) }
            end -= pad
        }
        let body = UnsafeRawBufferPointer(rebasing: packet[0..<end])
        switch type {
        case Self.senderReportType: return Self.parseSenderReport(body, count: count)
        case Self.receiverReportType: return Self.parseReceiverReport(body, count: count)
        case Self.sourceDescriptionType: return Self.parseSourceDescription(body, count: count)
        case Self.byeType: return Self.parseBye(body, count: count)
        default: return .success(.other(packetType: type, count: UInt8(count), body: Array(body[4...])))
        }
    }

    private static func parseSenderReport(_ p: UnsafeRawBufferPointer, count: Int) -> Result<RTCPPacket, RTPParseError>
    {
        guard p.count >= 28 + RTCPReportBlock.size * count else {
            return .failure(.invalidRTCPLength(packetType: Self.senderReportType))
        }
        let report = RTCPSenderReport(
            ssrc: p.readUInt32(at: 4),
            ntpTimestamp: NTPTimestamp(seconds: p.readUInt32(at: 8), fraction: p.readUInt32(at: 12)),
            rtpTimestamp: p.readUInt32(at: 16),
            packetCount: p.readUInt32(at: 20),
            octetCount: p.readUInt32(at: 24),
            reports: Self.readBlocks(p, at: 28, count: count)
        )
        return .success(.senderReport(report))
    }

    private static func parseReceiverReport(
        _ p: UnsafeRawBufferPointer,
        count: Int
    ) -> Result<RTCPPacket, RTPParseError> {
        guard p.count >= 8 + RTCPReportBlock.size * count else {
            return .failure(.invalidRTCPLength(packetType: Self.receiverReportType))
        }
        let report = RTCPReceiverReport(ssrc: p.readUInt32(at: 4), reports: Self.readBlocks(p, at: 8, count: count))
        return .success(.receiverReport(report))
    }

    private static func readBlocks(_ p: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [RTCPReportBlock] {
        (0..<count).map { RTCPReportBlock(reading: p, at: offset + RTCPReportBlock.size * $0) }
    }

    private static func parseSourceDescription(
        _ p: UnsafeRawBufferPointer,
        count: Int
    ) -> Result<
        RTCPPacket, RTPParseError
    > {
        var chunks: [RTCPSourceDescription.Chunk] = []
        var offset = 4
        for _ in 0..<count {
            guard offset + 4 <= p.count else { return .failure(.invalidSourceDescription) }
            var chunk = RTCPSourceDescription.Chunk(ssrc: p.readUInt32(at: offset), cname: "")
            offset += 4
            while true {  // items until the zero type byte
                guard offset < p.count else { return .failure(.invalidSourceDescription) }
                let itemType = p[offset]
                if itemType == 0 { break }
                guard offset + 2 <= p.count else { return .failure(.invalidSourceDescription) }
                let textEnd = offset + 2 + Int(p[offset + 1])
                guard textEnd <= p.count else { return .failure(.invalidSourceDescription) }
                if itemType == 1 { chunk.cname = p.readString((offset + 2)..<textEnd) }
                offset = textEnd
            }
            offset = (offset + 1 + 3) / 4 * 4  // past the terminator, to the next word
            chunks.append(chunk)
        }
        return .success(.sourceDescription(RTCPSourceDescription(chunks: chunks)))
    }

    private static func parseBye(_ p: UnsafeRawBufferPointer, count: Int) -> Result<RTCPPacket, RTPParseError> {
        let reasonOffset = 4 + 4 * count
        guard reasonOffset <= p.count else { return .failure(.invalidRTCPLength(packetType: Self.byeType)) }
        let ssrcs = (0..<count).map { p.readUInt32(at: 4 + 4 * $0) }
        var reason: String? = nil
        if reasonOffset < p.count {
            let reasonEnd = reasonOffset + 1 + Int(p[reasonOffset])
            guard reasonEnd <= p.count else { return .failure(.invalidBye) }
            reason = p.readString((reasonOffset + 1)..<reasonEnd)
        }
        return .success(.bye(RTCPBye(ssrcs: ssrcs, reason: reason)))
    }
}
