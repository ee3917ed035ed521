import ChorusAudio
import ChorusRTP

/// Every utterance encoded once at load (Opus or PCMU) into RTP packet templates shared by all RTP callers.
public final class SharedRTPAudio: Sendable {
    /// One utterance's packets and where its speech starts and ends.
    public struct Clip: Sendable {
        public let name: String
        public let template: RTPStreamTemplate
        public let lastSpeechFrame: Int
        /// The frame holding the first speech sample (where an interruption starts).
        public var firstSpeechFrame = 0
    }

    public let clips: [Clip]
    /// One frame of silence in the same codec, with a silent, unvoiced level.
    public let silence: RTPStreamTemplate
    public let format: RTPPayloadFormat
    /// Audio sample rate of the utterances (what Opus encodes; 8000 for PCMU).
    public let sampleRate: Int
    public let frameNs: Int64 = 20_000_000
    /// The codec's E-model parameters.
    public var codecName: String { self.format.encodingName }

    /// The codecs RTP callers speak: `opus/16000`, `opus/48000`, `pcmu/8000`.
    public enum Codec: Sendable, Hashable {
        case opus(sampleRate: Int, bitrate: Int, complexity: Int, fec: Bool)
        case pcmu
    }

    /// Encodes `utterances` (already at the codec's sample rate) once.
    public init(utterances: [Utterance], codec: Codec, payloadType: UInt8?, audioLevelExtension: Bool) throws {
        let levelID: UInt8? = audioLevelExtension ? 1 : nil
        switch codec {
        case .opus(let rate, let bitrate, let complexity, let fec):
            let pt = payloadType ?? OpusRTP.defaultPayloadType
            self.format = OpusRTP.format(payloadType: pt, fec: fec)
            self.sampleRate = rate
            self.clips = try utterances.map { u in
                Clip(
                    name: u.name,
                    template: try OpusRTP.streamTemplate(
                        for: u, payloadType: pt, bitrate: bitrate, complexity: complexity, fec: fec,
                        audioLevelID: levelID),
                    lastSpeechFrame: u.lastSpeechFrameIndex, firstSpeechFrame: u.speechStartSample / u.frameSamples)
            }
            let encoder = try OpusEncoder(
                sampleRate: rate, bitrate: bitrate, complexity: complexity, fec: fec, expectedLossPercent: 10)
            let quiet = try encoder.encode([Int16](repeating: 0, count: rate / 50))
            self.silence = RTPStreamTemplate(
                payloads: [quiet], payloadType: pt, timestampIncrement: OpusRTP.timestampIncrementPer20ms,
                audioLevelID: levelID, audioLevels: [RTPAudioLevel(level: 127, voice: false)])
        case .pcmu:
            let pt = payloadType ?? 0
            self.format = PCMURTP.format
            self.sampleRate = 8000
            self.clips = utterances.map { u in
                Clip(
                    name: u.name,
                    template: RTPStreamTemplate(
                        payloads: u.muLawFrames(), payloadType: pt, timestampIncrement: 160, audioLevelID: levelID,
                        audioLevels: RTPStreamTemplate.levels(of: u)),
                    lastSpeechFrame: u.lastSpeechFrameIndex, firstSpeechFrame: u.speechStartSample / u.frameSamples)
            }
            self.silence = RTPStreamTemplate(
                payloads: [[UInt8](repeating: 0xFF, count: 160)], payloadType: pt, timestampIncrement: 160,
                audioLevelID: levelID, audioLevels: [RTPAudioLevel(level: 127, voice: false)])
        }
    }
}
