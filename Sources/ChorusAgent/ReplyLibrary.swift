import ChorusAudio
import ChorusDialects
import NIOCore

/// The agent's reply clip, cut into 20 ms PCM16 frames at every sample rate a caller may ask for, built once at start.
public final class ReplyLibrary: Sendable {
    private let framesByRate: [Int: [ByteBuffer]]
    /// The same clip encoded for every dialect's wire.
    let wire: ReplyWireTable

    /// Sample rates a caller may request.
    public static let rates = [8000, 16000, 24000, 48000]

    /// Loads `path` at every rate; with no path, synthesises a two-second voiced-like tone.
    public init(path: String?) throws {
        var table: [Int: [ByteBuffer]] = [:]
        for rate in Self.rates {
            let clip: Utterance
            if let path {
                clip = try Utterance.load(path: path, sampleRate: rate)
            } else {
                clip = Self.tone(sampleRate: rate)
            }
            table[rate] = clip.pcm16LEFrames().map { ByteBuffer(bytes: $0) }
        }
        self.framesByRate = table
        self.wire = ReplyWireTable(pcm16FramesByRate: table)
    }

    /// The reply's frames at `rate`, or nil for an unsupported rate.
    public func frames(sampleRate rate: Int) -> [ByteBuffer]? { self.framesByRate[rate] }

    static func tone(sampleRate: Int) -> Utterance {
        let count = sampleRate * 2
        var samples = [Int16](repeating: 0, count: count)
        for i in 0..<count {
            let t = Double(i) / Double(sampleRate)
            let envelope = 0.5 + 0.5 * sin(2 * .pi * 3 * t)
            samples[i] = Int16(6000 * envelope * sin(2 * .pi * 220 * t))
        }
        return Utterance(name: "tone", sampleRate: sampleRate, samples: samples, speech: 0..<count)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
