import ChorusAudio

/// Every packet of a clip built once, so a sender only patches sequence, timestamp, SSRC, marker and level.
///
/// Build one per clip and codec at load time and share it between all callers (it is an immutable value backed by
/// one byte array). `write(frame:…)` is one copy plus five stores: no allocation, no header assembly.
public struct RTPStreamTemplate: Sendable {
    /// The payload type in every packet.
    public let payloadType: UInt8
    /// RTP timestamp advance per frame.
    public let timestampIncrement: UInt32
    /// The RFC 6464 extension id, or nil when packets carry no extension.
    public let audioLevelID: UInt8?
    /// Each frame's default RFC 6464 level (used when `write` is given none).
    public let audioLevels: [RTPAudioLevel]
    /// All packets back to back, header fields to patch left zero.
    private let bytes: [UInt8]
    /// `starts[i]..<starts[i + 1]` is frame i's packet.
    private let starts: [Int]

    /// Builds the template.
    ///
    /// - Parameters:
    ///   - payloads: one codec frame per packet, in order.
    ///   - payloadType: the payload type.
    ///   - timestampIncrement: RTP timestamp advance per frame (960 for Opus 20 ms, 160 for PCMU 20 ms).
    ///   - audioLevelID: the RFC 6464 extension id (1...14), or nil for packets without the extension.
    ///   - audioLevels: per-frame levels; missing entries read as silence (127, no voice).
    /// - Precondition: `audioLevelID` is nil or in 1...14.
    public init(
        payloads: [[UInt8]],
        payloadType: UInt8,
        timestampIncrement: UInt32,
        audioLevelID: UInt8? = 1,
        audioLevels: [RTPAudioLevel] = []
    ) {
        precondition(audioLevelID.map { (1...14).contains($0) } ?? true, "audio-level id must be 1...14")
        self.payloadType = payloadType & 0x7F
        self.timestampIncrement = timestampIncrement
        self.audioLevelID = audioLevelID
        self.audioLevels = payloads.indices.map {
            $0 < audioLevels.count ? audioLevels[$0] : RTPAudioLevel(level: 127, voice: false)
        }
        let headerSize = RTPHeader.fixedSize + (audioLevelID == nil ? 0 : RTPHeader.audioLevelExtensionSize)
        var starts = [0]
        for payload in payloads { starts.append(starts[starts.count - 1] + headerSize + payload.count) }
        self.starts = starts
        let header = RTPHeader(payloadType: payloadType, sequenceNumber: 0, timestamp: 0, ssrc: 0)
        let levels = self.audioLevels
        self.bytes = makeBytes(size: starts[payloads.count]) { buffer in
            for (i, payload) in payloads.enumerated() {
                let packet = UnsafeMutableRawBufferPointer(rebasing: buffer[starts[i]..<starts[i + 1]])
                let level = audioLevelID.map { (id: $0, level: levels[i].level, voice: levels[i].voice) }
                let size = header.write(into: packet, audioLevel: level)
                payload.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: packet[size...]).copyMemory(from: $0)
                }
            }
            return starts[payloads.count]
        }
    }

    /// How many frames (packets) the clip has.
    public var frameCount: Int { self.starts.count - 1 }

    /// Bytes of frame `index`'s packet.
    public func packetSize(frame index: Int) -> Int { self.starts[index + 1] - self.starts[index] }

    /// The largest packet, for sizing a send buffer once.
    public var maxPacketSize: Int {
        (0..<self.frameCount).reduce(0) { max($0, self.packetSize(frame: $1)) }
    }

    /// The RTP timestamp of frame `index` in a stream whose frame 0 has `base`.
    public func timestamp(frame index: Int, base: UInt32) -> UInt32 {
        base &+ UInt32(truncatingIfNeeded: index) &* self.timestampIncrement
    }

    /// Writes frame `index`'s packet into `buffer` with the per-packet fields filled in.
    ///
    /// - Parameters:
    ///   - audioLevel: overrides the frame's prebuilt level (ignored without an extension).
    /// - Returns: bytes written, or 0 when `buffer` is too small.
    /// - Precondition: `0 <= index < frameCount`.
    public func write(
        frame index: Int,
        sequenceNumber: UInt16,
        timestamp: UInt32,
        ssrc: UInt32,
        marker: Bool,
        audioLevel: RTPAudioLevel? = nil,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        precondition(index >= 0 && index < self.frameCount, "frame \(index) out of 0..<\(self.frameCount)")
        let range = self.starts[index]..<self.starts[index + 1]
        guard buffer.count >= range.count else { return 0 }
        self.bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
        buffer[1] = (marker ? 0x80 : 0) | self.payloadType
        buffer.writeUInt16(sequenceNumber, at: 2)
        buffer.writeUInt32(timestamp, at: 4)
        buffer.writeUInt32(ssrc, at: 8)
        if let audioLevel, self.audioLevelID != nil {
            buffer[RTPHeader.fixedSize + 5] = audioLevel.byte
        }
        return range.count
    }

    /// Frame `index`'s payload (the codec frame), for checks and for decoders in tests.
    public func payload(frame index: Int) -> ArraySlice<UInt8> {
        let headerSize = RTPHeader.fixedSize + (self.audioLevelID == nil ? 0 : RTPHeader.audioLevelExtensionSize)
        return self.bytes[(self.starts[index] + headerSize)..<self.starts[index + 1]]
    }

    /// Per-frame RFC 6464 levels of an utterance: −dBFS of each 20 ms frame's PCM, V set for frames that overlap
    /// the utterance's speech.
    public static func levels(of utterance: Utterance) -> [RTPAudioLevel] {
        let speech = utterance.speechStartSample..<utterance.speechEndSample
        return (0..<utterance.frameCount).map { index in
            let start = index * utterance.frameSamples
            let frame = start..<(start + utterance.frameSamples)
            return RTPAudioLevel(dbov: AudioLevel.rmsDBFS(utterance.frame(index)), voice: frame.overlaps(speech))
        }
    }
}
