import ChorusAudio
import ChorusDialects
import NIOCore

/// Equal-length byte strings back to back in one buffer; `entry(at:)` is a slice (no copy, no allocation).
struct WireEntries: Sendable {
    let count: Int
    /// Bytes per entry (every entry has the same length, so a frame header can be computed once per session).
    let entryLength: Int
    private let storage: ByteBuffer

    init(_ entries: [[UInt8]]) {
        let length = entries.first?.count ?? 0
        precondition(entries.allSatisfy { $0.count == length }, "wire entries must have equal lengths")
        self.count = entries.count
        self.entryLength = length
        var storage = ByteBuffer()
        storage.reserveCapacity(length * entries.count)
        for entry in entries { storage.writeBytes(entry) }
        self.storage = storage
    }

    /// Entry `index`, sharing the table's storage.
    func entry(at index: Int) -> ByteBuffer {
        self.storage.getSlice(at: index * self.entryLength, length: self.entryLength)!
    }
}

/// The reply clip encoded once, at start, for every dialect's wire, so that sending a reply frame is a slice and a
/// write. Shared read-only by every session of an agent.
///
/// Text dialects put per-session or per-response identifiers before the audio; their tables hold only what follows
/// (`…<base64>"}`), and each session prepends one constant head (frame header and identifiers) per frame.
struct ReplyWireTable: Sendable {
    /// Chorus native: complete binary frames (20 ms PCM16 LE), by sample rate.
    let chorus: [Int: [ByteBuffer]]
    /// OpenAI Realtime delta tails, by output format: `d00042","delta":"<base64 of 20 ms>"}`. The leading
    /// `d00042` completes the `event_id` the per-response head leaves open, so every delta's id is unique.
    let openAIDeltas: [OpenAIRealtimeAudioFormat: WireEntries]
    /// Twilio media tails: `<base64 of 160 bytes µ-law>"}}`.
    let twilioMedia: WireEntries
    /// Pipecat: complete binary frames, each one `Frame{audio: AudioRawFrame}` of 40 ms PCM16 at 24 kHz mono.
    let pipecatAudio: [ByteBuffer]

    /// Sample rate of Pipecat's reply audio (its `audio_out_sample_rate` default).
    static let pipecatSampleRate = 24_000
    /// 20 ms frames per Pipecat output chunk (`audio_out_10ms_chunks` = 4 → 40 ms).
    static let pipecatFramesPerChunk = 2

    init(pcm16FramesByRate frames: [Int: [ByteBuffer]]) {
        self.chorus = frames.mapValues { rate in
            rate.map { ServerFrame.complete(opcode: ServerFrame.binary, payload: Array(buffer: $0)) }
        }
        let pcm24 = (frames[24_000] ?? []).map { Array(buffer: $0) }
        let muLaw8 = (frames[8_000] ?? []).map { G711.muLawEncode(Self.samples(Array(buffer: $0))) }
        self.openAIDeltas = [
            .pcm: Self.openAIDeltaTails(pcm24), .pcmu: Self.openAIDeltaTails(muLaw8),
        ]
        self.twilioMedia = WireEntries(muLaw8.map { Base64.encode($0) + Array(#""}}"#.utf8) })
        self.pipecatAudio = Self.pipecatFrames(pcm24)
    }

    /// Width of the frame number in delta event ids (fixed, so every tail has the same length).
    static let deltaIndexDigits = 6

    private static func openAIDeltaTails(_ frames: [[UInt8]]) -> WireEntries {
        WireEntries(
            frames.enumerated().map { index, frame in
                let number = String(index % 1_000_000)
                let id = "d" + String(repeating: "0", count: Self.deltaIndexDigits - number.count) + number
                return Array(id.utf8) + Array(#"","delta":""#.utf8) + Base64.encode(frame) + Array(#""}"#.utf8)
            })
    }

    private static func pipecatFrames(_ frames: [[UInt8]]) -> [ByteBuffer] {
        let silence = [UInt8](repeating: 0, count: Self.pipecatSampleRate / 50 * 2)
        return stride(from: 0, to: frames.count, by: Self.pipecatFramesPerChunk).map { start in
            var pcm: [UInt8] = []
            for i in start..<start + Self.pipecatFramesPerChunk { pcm += i < frames.count ? frames[i] : silence }
            return ServerFrame.complete(opcode: ServerFrame.binary, payload: PipecatWire.encodeAudio(pcm))
        }
    }

    private static func samples(_ pcm16LE: [UInt8]) -> [Int16] {
        stride(from: 0, to: pcm16LE.count - 1, by: 2).map {
            Int16(bitPattern: UInt16(pcm16LE[$0]) | UInt16(pcm16LE[$0 + 1]) << 8)
        }
    }
}
