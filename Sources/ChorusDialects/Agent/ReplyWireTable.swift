import ChorusAudio
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

/// The agent's reply clip encoded once, at start, for every dialect's wire, so that sending a reply frame is a
/// slice and a write. Shared read-only by every session of an agent; each dialect's wire builds its own part.
///
/// Text dialects put per-session or per-response identifiers before the audio; their tables hold only what follows
/// (`…<base64>"}`), and each session prepends one constant head (frame header and identifiers) per frame.
public struct ReplyWireTable: Sendable {
    /// Chorus native: complete binary frames (20 ms PCM16 LE), by sample rate (`ChorusNativeWire.replyFrames`).
    let chorus: [Int: [ByteBuffer]]
    /// OpenAI Realtime delta tails, by output format (`OpenAIRealtimeWire.replyDeltaTails`).
    let openAIDeltas: [OpenAIRealtimeAudioFormat: WireEntries]
    /// Twilio media tails (`TwilioWire.replyMediaTails`).
    let twilioMedia: WireEntries
    /// Pipecat: complete binary `Frame{audio}` frames (`PipecatWire.replyFrames`).
    let pipecatAudio: [ByteBuffer]

    /// - Parameter frames: the reply clip as 20 ms PCM16 LE frames, by sample rate (8, 16, 24 and 48 kHz).
    public init(pcm16FramesByRate frames: [Int: [ByteBuffer]]) {
        let pcm24 = (frames[24_000] ?? []).map { Array(buffer: $0) }
        let muLaw8 = (frames[8_000] ?? []).map { G711.muLawEncode(Self.samples(Array(buffer: $0))) }
        self.chorus = ChorusNativeWire.replyFrames(frames)
        self.openAIDeltas = [
            .pcm: OpenAIRealtimeWire.replyDeltaTails(pcm24), .pcmu: OpenAIRealtimeWire.replyDeltaTails(muLaw8),
        ]
        self.twilioMedia = TwilioWire.replyMediaTails(muLaw8)
        self.pipecatAudio = PipecatWire.replyFrames(pcm24)
    }

    private static func samples(_ pcm16LE: [UInt8]) -> [Int16] {
        stride(from: 0, to: pcm16LE.count - 1, by: 2).map {
            Int16(bitPattern: UInt16(pcm16LE[$0]) | UInt16(pcm16LE[$0 + 1]) << 8)
        }
    }
}
