import ChorusCore

/// Where the parts of one parsed RTP packet lie in its buffer. Holds offsets only, so parsing never copies.
public struct RTPPacketView: Sendable, Hashable {
    /// The fixed header (CSRCs by count only).
    public var header: RTPHeader
    /// The header-extension profile (0xBEDE for RFC 8285 one-byte elements), or nil without an extension.
    public var extensionProfile: UInt16?
    /// The extension's data bytes (after its 4-byte header); empty without an extension.
    public var extensionRange: Range<Int>
    /// The payload, between the header (and extension) and any padding.
    public var payloadRange: Range<Int>
    /// Padding bytes at the end of the packet, pad-count byte included; 0 when P is clear.
    public var paddingCount: Int
    /// The RFC 6464 audio level, when the packet carries the element with the id asked for.
    public var audioLevel: RTPAudioLevel?

    /// Byte offset of CSRC number `index` (0-based).
    public static func csrcOffset(_ index: Int) -> Int { RTPHeader.fixedSize + 4 * index }

    /// The payload bytes inside `packet`, the same buffer that was parsed.
    public func payload(in packet: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: packet[self.payloadRange])
    }

    /// CSRC number `index` (0-based, below `header.csrcCount`) read from `packet`, the same buffer that was parsed.
    public func csrc(_ index: Int, in packet: UnsafeRawBufferPointer) -> UInt32 {
        precondition(index >= 0 && index < Int(self.header.csrcCount), "CSRC \(index) out of range")
        return packet.readUInt32(at: Self.csrcOffset(index))
    }
}

extension RTPHeader {
    /// Parses one RTP packet without allocating.
    ///
    /// Checks version 2, that the CSRC list, extension and padding fit, and that padding is at least one byte and
    /// leaves the header intact. Reads the RFC 6464 audio level from an RFC 8285 extension in the one-byte form
    /// (0xBEDE) or the two-byte form (0x100x).
    ///
    /// - Parameters:
    ///   - bytes: one UDP datagram's payload.
    ///   - audioLevelID: the extension id the session negotiated for `urn:ietf:params:rtp-hdrext:ssrc-audio-level`;
    ///     0 skips the search.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        audioLevelID: UInt8 = 1
    )
        -> Result<RTPPacketView, RTPParseError>
    {
        let count = bytes.count
        guard count >= Self.fixedSize else { return .failure(.truncated(needed: Self.fixedSize, available: count)) }
        guard bytes[0] >> 6 == Self.version else { return .failure(.unsupportedVersion(bytes[0] >> 6)) }
        let header = Self.readFixedHeader(bytes)
        let csrcEnd = Self.fixedSize + 4 * Int(header.csrcCount)
        guard count >= csrcEnd else { return .failure(.truncated(needed: csrcEnd, available: count)) }
        var view = RTPPacketView(
            header: header,
            extensionProfile: nil,
            extensionRange: csrcEnd..<csrcEnd,
            payloadRange: csrcEnd..<count,
            paddingCount: 0,
            audioLevel: nil
        )
        if header.hasExtension, let error = Self.readExtension(bytes, at: csrcEnd, into: &view, id: audioLevelID) {
            return .failure(error)
        }
        let payloadStart = view.extensionRange.upperBound  // csrcEnd without an extension
        if header.padding {
            let pad = Int(bytes[count - 1])
            guard pad >= 1, pad <= count - payloadStart else { return .failure(.invalidPadding(count: pad)) }
            view.paddingCount = pad
        }
        view.payloadRange = payloadStart..<(count - view.paddingCount)
        return .success(view)
    }

    /// The 12-byte fixed header; `bytes` holds at least that many.
    private static func readFixedHeader(_ bytes: UnsafeRawBufferPointer) -> RTPHeader {
        let b0 = bytes[0]
        let b1 = bytes[1]
        return RTPHeader(
            padding: b0 & 0x20 != 0,
            hasExtension: b0 & 0x10 != 0,
            csrcCount: b0 & 0x0F,
            marker: b1 & 0x80 != 0,
            payloadType: b1 & 0x7F,
            sequenceNumber: bytes.readUInt16(at: 2),
            timestamp: bytes.readUInt32(at: 4),
            ssrc: bytes.readUInt32(at: 8)
        )
    }

    /// Reads the extension header at `offset` and its audio level into `view`; nil when all is well.
    private static func readExtension(
        _ bytes: UnsafeRawBufferPointer,
        at offset: Int,
        into view: inout RTPPacketView,
        id: UInt8
    ) -> RTPParseError? {
        guard bytes.count >= offset + 4 else { return .truncated(needed: offset + 4, available: bytes.count) }
        let profile = bytes.readUInt16(at: offset)
        let end = offset + 4 + 4 * Int(bytes.readUInt16(at: offset + 2))
        guard bytes.count >= end else { return .truncated(needed: end, available: bytes.count) }
        view.extensionProfile = profile
        view.extensionRange = (offset + 4)..<end
        switch Self.findAudioLevel(bytes, profile: profile, in: view.extensionRange, id: id) {
        case .success(let level): view.audioLevel = level
        case .failure(let error): return error
        }
        return nil
    }

    /// Walks RFC 8285 elements in `range`; unknown profiles are skipped (no level), overrunning elements rejected.
    static func findAudioLevel(
        _ bytes: UnsafeRawBufferPointer,
        profile: UInt16,
        in range: Range<Int>,
        id: UInt8
    ) -> Result<RTPAudioLevel?, RTPParseError> {
        if profile == Self.oneByteExtensionProfile {
            return Self.walkOneByteElements(bytes, in: range, id: id)
        }
        if profile & 0xFFF0 == 0x1000 {
            return Self.walkTwoByteElements(bytes, in: range, id: id)
        }
        return .success(nil)
    }

    private static func walkOneByteElements(
        _ bytes: UnsafeRawBufferPointer,
        in range: Range<Int>,
        id: UInt8
    ) -> Result<RTPAudioLevel?, RTPParseError> {
        var found: RTPAudioLevel? = nil
        var i = range.lowerBound
        while i < range.upperBound {
            let first = bytes[i]
            i += 1
            if first == 0 { continue }  // padding byte between elements
            let elementID = first >> 4
            if elementID == 15 { break }  // reserved: stop processing (RFC 8285 §4.2)
            let length = Int(first & 0x0F) + 1
            guard i + length <= range.upperBound else { return .failure(.invalidExtension) }
            if elementID == id { found = RTPAudioLevel(byte: bytes[i]) }
            i += length
        }
        return .success(found)
    }

    private static func walkTwoByteElements(
        _ bytes: UnsafeRawBufferPointer,
        in range: Range<Int>,
        id: UInt8
    ) -> Result<RTPAudioLevel?, RTPParseError> {
        var found: RTPAudioLevel? = nil
        var i = range.lowerBound
        while i < range.upperBound {
            let elementID = bytes[i]
            i += 1
            if elementID == 0 { continue }  // padding byte
            guard i < range.upperBound else { return .failure(.invalidExtension) }
            let length = Int(bytes[i])
            i += 1
            guard i + length <= range.upperBound else { return .failure(.invalidExtension) }
            if elementID == id, length >= 1 { found = RTPAudioLevel(byte: bytes[i]) }
            i += length
        }
        return .success(found)
    }
}
