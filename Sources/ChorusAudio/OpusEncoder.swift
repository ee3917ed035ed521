internal import COpus

/// One Opus encoder for speech (`OPUS_APPLICATION_VOIP`, signal voice), fed one 20 ms frame at a time.
///
/// Owns its libopus state and frees it on deinit. Not `Sendable`: it belongs to one task or event loop.
public final class OpusEncoder {
    /// The largest packet `encode` produces, in bytes.
    public static let maxPacketBytes = 1500

    /// Samples per second: 8000, 12000, 16000, 24000 or 48000.
    public let sampleRate: Int
    /// 1 (mono) or 2 (stereo, interleaved).
    public let channels: Int
    /// Samples per channel in one 20 ms frame.
    public var frameSamples: Int { self.sampleRate / 50 }

    private let state: OpaquePointer

    /// Creates an encoder.
    ///
    /// - Parameters:
    ///   - sampleRate: 8000, 12000, 16000, 24000 or 48000.
    ///   - channels: 1 or 2.
    ///   - bitrate: target bits per second (libopus accepts 500...512000).
    ///   - complexity: 0...10; 5 costs about half the CPU of libopus's default 9 for speech.
    ///   - fec: in-band forward error correction (LBRR), decodable with `OpusDecoder.decode(_:fec:frameSamples:)`.
    ///   - expectedLossPercent: 0...100. libopus only puts FEC data in packets when this is above 0.
    /// - Throws: `AudioError.Code.unsupportedSampleRate` or `.opus` with libopus's message.
    public init(sampleRate: Int, channels: Int = 1, bitrate: Int, complexity: Int, fec: Bool, expectedLossPercent: Int)
        throws
    {
        try Opus.checkRate(sampleRate)
        var error: Int32 = 0
        guard
            let state = opus_encoder_create(
                Int32(sampleRate), Int32(clamping: channels), OPUS_APPLICATION_VOIP, &error),
            error == OPUS_OK
        else {
            throw Opus.error(error, "cannot create a \(sampleRate) Hz, \(channels)-channel encoder")
        }
        self.state = state
        self.sampleRate = sampleRate
        self.channels = channels
        try Opus.check(chorus_opus_set_signal_voice(state), "set signal voice")
        try Opus.check(chorus_opus_set_bitrate(state, Int32(clamping: bitrate)), "set bitrate \(bitrate)")
        try Opus.check(chorus_opus_set_complexity(state, Int32(clamping: complexity)), "set complexity \(complexity)")
        try Opus.check(chorus_opus_set_inband_fec(state, fec ? 1 : 0), "set in-band FEC")
        try Opus.check(
            chorus_opus_set_packet_loss_perc(state, Int32(clamping: expectedLossPercent)),
            "set expected loss \(expectedLossPercent) %"
        )
    }

    deinit {
        opus_encoder_destroy(self.state)
    }

    /// Encodes one 20 ms frame (`frameSamples × channels` interleaved samples) into one packet.
    ///
    /// - Throws: `AudioError.Code.invalidArgument` for a frame of the wrong length, `.opus` when libopus fails.
    public func encode(_ pcm: [Int16]) throws -> [UInt8] {
        let expected = self.frameSamples * self.channels
        guard pcm.count == expected else {
            throw AudioError(
                .invalidArgument, "Opus encoder wants \(expected) samples per 20 ms frame, got \(pcm.count)")
        }
        var result: Int32 = 0
        let packet = pcm.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: Self.maxPacketBytes) { output, initialized in
                result = opus_encode(
                    self.state, input.baseAddress!, Int32(self.frameSamples), output.baseAddress!,
                    Int32(Self.maxPacketBytes)
                )
                initialized = max(0, Int(result))
            }
        }
        guard result > 0 else { throw Opus.error(result, "encode failed") }
        return packet
    }
}

@available(*, unavailable)
extension OpusEncoder: Sendable {}
