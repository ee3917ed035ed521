internal import COpus

/// One Opus decoder, giving PCM16 per packet, with in-band FEC recovery and packet-loss concealment.
///
/// Owns its libopus state and frees it on deinit. Not `Sendable`: it belongs to one task or event loop.
public final class OpusDecoder {
    /// Samples per second of the decoded audio: 8000, 12000, 16000, 24000 or 48000.
    public let sampleRate: Int
    /// 1 (mono) or 2 (stereo, interleaved).
    public let channels: Int

    private let state: OpaquePointer

    /// Creates a decoder that outputs `sampleRate` Hz with `channels` channels, whatever rate the packets were made at.
    ///
    /// - Throws: `AudioError.Code.unsupportedSampleRate` or `.opus` with libopus's message.
    public init(sampleRate: Int, channels: Int = 1) throws {
        try Opus.checkRate(sampleRate)
        var error: Int32 = 0
        guard let state = opus_decoder_create(Int32(sampleRate), Int32(clamping: channels), &error), error == OPUS_OK
        else {
            throw Opus.error(error, "cannot create a \(sampleRate) Hz, \(channels)-channel decoder")
        }
        self.state = state
        self.sampleRate = sampleRate
        self.channels = channels
    }

    deinit {
        opus_decoder_destroy(self.state)
    }

    /// Decodes one packet.
    ///
    /// - Parameters:
    ///   - packet: an Opus packet; an empty one is treated as lost (concealed).
    ///   - fec: decode the FEC data carried in `packet` for the frame *before* it, to recover that lost frame.
    ///     `frameSamples` must then be exactly the lost frame's length.
    ///   - frameSamples: samples per channel that fit in the output (20 ms = `sampleRate / 50`).
    /// - Returns: the decoded samples, interleaved, `decodedSamplesPerChannel × channels` long.
    /// - Throws: `AudioError.Code.opus` with libopus's message (for example a corrupted packet).
    public func decode(_ packet: [UInt8], fec: Bool = false, frameSamples: Int) throws -> [Int16] {
        try packet.withUnsafeBufferPointer { input in
            try self.run(
                input.isEmpty ? nil : input.baseAddress, Int32(input.count), fec: fec, frameSamples: frameSamples)
        }
    }

    /// Decodes one packet into `output` (room for `output.count / channels` samples per channel), allocating
    /// nothing: for the receive path, which decodes into one reused buffer.
    ///
    /// - Returns: the samples decoded per channel.
    /// - Throws: `AudioError.Code.opus` with libopus's message (for example a corrupted packet).
    public func decode(_ packet: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) throws -> Int {
        let frameSamples = output.count / self.channels
        guard frameSamples > 0, let base = output.baseAddress else {
            throw AudioError(.invalidArgument, "Opus decode needs room for at least one sample, got \(output.count)")
        }
        let data = packet.isEmpty ? nil : packet.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let result = opus_decode(self.state, data, Int32(clamping: packet.count), base, Int32(clamping: frameSamples), 0)
        guard result >= 0 else { throw Opus.error(result, "decode failed") }
        return Int(result)
    }

    /// Packet-loss concealment: `frameSamples` samples per channel guessed from the decoder's history.
    ///
    /// - Throws: `AudioError.Code.opus` with libopus's message, for example when `frameSamples` is not a multiple
    ///   of 2.5 ms.
    public func conceal(frameSamples: Int) throws -> [Int16] {
        try self.run(nil, 0, fec: false, frameSamples: frameSamples)
    }

    private func run(_ data: UnsafePointer<UInt8>?, _ length: Int32, fec: Bool, frameSamples: Int) throws -> [Int16] {
        guard frameSamples > 0 else {
            throw AudioError(.invalidArgument, "Opus decode needs room for at least one sample, got \(frameSamples)")
        }
        var result: Int32 = 0
        let pcm = [Int16](unsafeUninitializedCapacity: frameSamples * self.channels) { output, initialized in
            result = opus_decode(
                self.state, data, length, output.baseAddress!, Int32(clamping: frameSamples), fec ? 1 : 0)
            initialized = max(0, Int(result)) * self.channels
        }
        guard result >= 0 else { throw Opus.error(result, data == nil ? "concealment failed" : "decode failed") }
        return pcm
    }
}

@available(*, unavailable)
extension OpusDecoder: Sendable {}
