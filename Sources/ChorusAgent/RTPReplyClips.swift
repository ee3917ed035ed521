import ChorusAudio
import ChorusRTP
import NIOCore

/// The agent's reply clip as RTP packets, built once at start: Opus (16 kHz audio, FEC on, complexity 5) and
/// PCMU (8 kHz), each carrying every frame's RFC 6464 level and V bit in extension id 1.
struct RTPReplyClips: Sendable {
    /// The RFC 6464 extension id both directions use.
    static let audioLevelID: UInt8 = 1

    /// The reply for any payload type but 0 (the agent rewrites PT to the caller's).
    let opus: RTPStreamTemplate
    /// The reply for payload type 0.
    let pcmu: RTPStreamTemplate

    /// - Throws: `AudioError` when the Opus encoder fails.
    init(replies: ReplyLibrary) throws {
        self.opus = try OpusRTP.streamTemplate(
            for: Self.clip(replies, sampleRate: 16000), complexity: 5, fec: true, audioLevelID: Self.audioLevelID)
        self.pcmu = try PCMURTP.streamTemplate(
            for: Self.clip(replies, sampleRate: 8000), audioLevelID: Self.audioLevelID)
    }

    /// The template that answers a caller sending `payloadType`.
    func template(forPayloadType payloadType: UInt8) -> RTPStreamTemplate {
        payloadType == PCMURTP.payloadType ? self.pcmu : self.opus
    }

    /// The RTP clock of a caller's stream with `payloadType`.
    static func clockRate(forPayloadType payloadType: UInt8) -> Int {
        payloadType == PCMURTP.payloadType ? PCMURTP.clockRate : OpusRTP.clockRate
    }

    /// The library's PCM frames at `sampleRate` joined back into one clip, its speech located for the V bits.
    private static func clip(_ replies: ReplyLibrary, sampleRate: Int) -> Utterance {
        var samples: [Int16] = []
        for frame in replies.frames(sampleRate: sampleRate) ?? [] {
            var frame = frame
            while let sample = frame.readInteger(endianness: .little, as: Int16.self) { samples.append(sample) }
        }
        if samples.isEmpty { samples = [Int16](repeating: 0, count: sampleRate / 50) }
        if let clip = try? Utterance(name: "reply", sampleRate: sampleRate, samples: samples) { return clip }
        // A clip quieter than the speech threshold: call all of it speech so the V bits stay set.
        return Utterance(name: "reply", sampleRate: sampleRate, samples: samples, speech: 0..<samples.count)
    }
}
