import ChorusAudio

/// An audio payload format as RTP carries it: payload type, RTP clock and packetization.
public struct RTPPayloadFormat: Sendable, Hashable {
    /// The SDP encoding name (`opus`, `PCMU`).
    public var encodingName: String
    /// The RTP payload type.
    public var payloadType: UInt8
    /// The RTP clock, Hz (48000 for Opus whatever the audio rate; 8000 for PCMU).
    public var clockRate: Int
    /// The channel count SDP states (2 for Opus even when mono, RFC 7587; 1 for PCMU).
    public var channels: Int
    /// Audio per packet (ptime), nanoseconds.
    public var frameDurationNs: Int64
    /// Whether the decoder can recover a lost frame from the next packet (Opus `useinbandfec=1`).
    public var hasInbandFEC: Bool

    /// Creates a format.
    public init(
        encodingName: String,
        payloadType: UInt8,
        clockRate: Int,
        channels: Int,
        frameDurationNs: Int64,
        hasInbandFEC: Bool
    ) {
        self.encodingName = encodingName
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.channels = channels
        self.frameDurationNs = frameDurationNs
        self.hasInbandFEC = hasInbandFEC
    }

    /// RTP timestamp advance per packet.
    public var timestampIncrement: UInt32 {
        UInt32(RTPClock.ticks(nanoseconds: self.frameDurationNs, clockRate: self.clockRate))
    }

    /// The SDP `a=rtpmap` value after the payload type, e.g. `opus/48000/2`.
    public var rtpmap: String {
        "\(self.encodingName)/\(self.clockRate)" + (self.channels > 1 ? "/\(self.channels)" : "")
    }
}

/// Opus over RTP (RFC 7587).
public enum OpusRTP {
    /// The RTP clock for every Opus stream, whatever rate the audio is coded at.
    public static let clockRate = 48_000
    /// The dynamic payload type WebRTC usually assigns.
    public static let defaultPayloadType: UInt8 = 111
    /// RTP timestamp advance per 20 ms packet.
    public static let timestampIncrementPer20ms: UInt32 = 960

    /// The RTP timestamp advance for `samples` of audio at `sampleRate` (320 at 16 kHz → 960).
    public static func timestampIncrement(samples: Int, sampleRate: Int) -> UInt32 {
        UInt32(samples * Self.clockRate / sampleRate)
    }

    /// The format for Opus at `frameMs` per packet (default 20) with in-band FEC as negotiated.
    public static func format(
        payloadType: UInt8 = Self.defaultPayloadType,
        fec: Bool = true,
        frameMs: Int = 20
    )
        -> RTPPayloadFormat
    {
        RTPPayloadFormat(
            encodingName: "opus",
            payloadType: payloadType,
            clockRate: Self.clockRate,
            channels: 2,
            frameDurationNs: Int64(frameMs) * 1_000_000,
            hasInbandFEC: fec
        )
    }

    /// Encodes `utterance` once (20 ms frames, one encoder) into a template every caller can share.
    ///
    /// - Parameters:
    ///   - payloadType: the negotiated payload type.
    ///   - bitrate, complexity, fec, expectedLossPercent: encoder settings, as `Utterance.opusFrames`.
    ///   - audioLevelID: RFC 6464 extension id to carry each frame's level, or nil for none.
    /// - Throws: `AudioError` from the encoder (for example an unsupported sample rate).
    public static func streamTemplate(
        for utterance: Utterance,
        payloadType: UInt8 = Self.defaultPayloadType,
        bitrate: Int = 24000,
        complexity: Int = 5,
        fec: Bool = true,
        expectedLossPercent: Int = 10,
        audioLevelID: UInt8? = 1
    ) throws -> RTPStreamTemplate {
        let frames = try utterance.opusFrames(
            bitrate: bitrate,
            complexity: complexity,
            fec: fec,
            expectedLossPercent: expectedLossPercent
        )
        return RTPStreamTemplate(
            payloads: frames,
            payloadType: payloadType,
            timestampIncrement: Self.timestampIncrementPer20ms,
            audioLevelID: audioLevelID,
            audioLevels: RTPStreamTemplate.levels(of: utterance)
        )
    }
}

/// G.711 µ-law over RTP (RFC 3551): static payload type 0, 8 kHz clock.
public enum PCMURTP {
    /// The static payload type.
    public static let payloadType: UInt8 = 0
    /// The RTP clock (the sample rate).
    public static let clockRate = 8000
    /// RTP timestamp advance (and payload bytes) per 20 ms packet.
    public static let timestampIncrementPer20ms: UInt32 = 160

    /// The format at 20 ms per packet (no FEC: concealment is G.711 Appendix I PLC).
    public static let format = RTPPayloadFormat(
        encodingName: "PCMU",
        payloadType: Self.payloadType,
        clockRate: Self.clockRate,
        channels: 1,
        frameDurationNs: 20_000_000,
        hasInbandFEC: false
    )

    /// Encodes `utterance` (which must be at 8000 Hz) into a template every caller can share.
    ///
    /// - Throws: `AudioError.Code.unsupportedSampleRate` unless the clip is at 8000 Hz.
    public static func streamTemplate(for utterance: Utterance, audioLevelID: UInt8? = 1) throws -> RTPStreamTemplate {
        guard utterance.sampleRate == Self.clockRate else {
            throw AudioError(
                .unsupportedSampleRate,
                "\(utterance.name): PCMU needs 8000 Hz audio, not \(utterance.sampleRate) Hz"
            )
        }
        return RTPStreamTemplate(
            payloads: utterance.muLawFrames(),
            payloadType: Self.payloadType,
            timestampIncrement: Self.timestampIncrementPer20ms,
            audioLevelID: audioLevelID,
            audioLevels: RTPStreamTemplate.levels(of: utterance)
        )
    }
}
