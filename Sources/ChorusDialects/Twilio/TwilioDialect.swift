import ChorusAudio
import ChorusCore
import NIOCore
import NIOWebSocket

/// A caller that impersonates Twilio Media Streams toward a phone agent (docs/dialects.md).
///
/// Sends `connected` and `start`, then one numbered `media` message per 20 ms of µ-law 8 kHz with string
/// sequence numbers, chunks and wall-clock-paced timestamps, built per frame into a reused buffer (the base64
/// payloads are encoded once at load). Agent audio is "played" at 8 000 bytes/s and every agent `mark` is echoed
/// once the audio queued before it has played, or at once on `clear`. Twilio has no end-of-turn message: the
/// agent's VAD decides. The answer is over when the audio before the agent's last mark has played and no audio
/// followed that mark (agents that mark every chunk keep talking past their marks), or else after silence. A
/// `clear` after answer audio ends that answer too (the agent stopped it on barge-in): queued audio is dropped,
/// pending marks are echoed, and audio after it is the next answer.
public struct TwilioDialect: CallerDialect {
    public let name = "twilio"
    public let audio: SharedAudio
    /// Every clip's frames, then one frame of silence, as prebuilt `media` tails.
    let prepared: TwilioMediaStreamsCaller.PreparedAudio
    /// Index of the first frame of each clip in `prepared`.
    let clipOffsets: [Int]
    let customParameters: [String: String]
    let accountSid: String?

    /// - Parameters:
    ///   - utterances: loaded at 8 kHz.
    ///   - customParameters: `start.customParameters` (TwiML `<Parameter>`s).
    ///   - accountSid: the `AC…` SID every call uses; nil draws one per call.
    public init(utterances: [Utterance], customParameters: [String: String] = [:], accountSid: String? = nil) throws {
        // Every media message carries per-call sequence numbers and timestamps, so none is shared: a raw µ-law
        // frame can never stand in for one.
        self.audio = SharedAudio(perFrame: utterances, sampleRate: 8000, encoding: .muLaw)
        var frames: [[UInt8]] = []
        var offsets: [Int] = []
        for clip in self.audio.clips {
            offsets.append(frames.count)
            frames += clip.frames.map { Array($0.readableBytesView) }
        }
        frames.append(Array(self.audio.silence.readableBytesView))
        self.prepared = try TwilioMediaStreamsCaller.PreparedAudio(muLawFrames: frames)
        self.clipOffsets = offsets
        self.customParameters = customParameters
        self.accountSid = accountSid
    }

    public func makeSession(sessionId: String, seed: UInt64) -> any CallerDialectSession {
        var rng = SplitMix64(seed: seed ^ 0x7457_494C_494F)
        var identity = TwilioIdentity.random(using: &rng)
        if let accountSid = self.accountSid { identity.accountSid = accountSid }
        return Session(dialect: self, caller: TwilioMediaStreamsCaller(identity: identity, customParameters: self.customParameters))
    }

    final class Session: CallerDialectSession {
        private let dialect: TwilioDialect
        private var caller: TwilioMediaStreamsCaller
        private let decoder: TwilioAgentDecoder
        private var playout = TwilioPlayout()
        private var scratch = ByteBuffer()
        private var streamStartNs: Int64?
        private var lastPlayedNs: Int64?
        private var playedRemainderNs: Int64 = 0
        private var pendingMarks: [String] = []
        private var heardAudio = false
        /// The mark that followed answer audio with no audio after it yet: its echo ends the answer.
        private var closingMark: String?
        private var responses = ResponseCounter()
        /// Set once the agent marks its audio: an answer then ends by the mark rule, not by silence.
        private var marks = false
        var responseOrdinal: Int? { self.marks ? self.responses.current : nil }
        var marksResponseEnd: Bool { self.marks }

        init(dialect: TwilioDialect, caller: TwilioMediaStreamsCaller) {
            self.dialect = dialect
            self.caller = caller
            self.decoder = TwilioAgentDecoder(expectedStreamSid: caller.identity.streamSid)
        }

        func openingMessages() -> [WebSocketFrame] {
            [.text(self.caller.connected()), .text(self.caller.start())]
        }

        func audioFrame(clip: Int?, frame: Int, deadlineNs: Int64, maskKey: UInt32) -> ByteBuffer? {
            let start = self.streamStartNs ?? deadlineNs
            self.streamStartNs = start
            let index = clip.map { self.dialect.clipOffsets[$0] + frame } ?? self.dialect.prepared.frameCount - 1
            // Reuse the scratch storage once the previous message has been written (see mediaMessage).
            var buffer = self.scratch
            self.scratch = ByteBuffer()
            buffer.clear(minimumCapacity: 512)
            WebSocketWire.writeClientFrame(opcode: 0x1, maskKey: maskKey, into: &buffer) { out in
                self.caller.writeMedia(
                    frame: index, of: self.dialect.prepared, timestampMs: Int((deadlineNs - start) / 1_000_000), into: &out)
            }
            self.scratch = buffer
            return buffer
        }

        func closingMessages() -> [WebSocketFrame] {
            [.text(self.caller.stop())]
        }

        func receive(_ message: WebSocketMessage, nowNs: Int64) -> AgentEvent {
            self.play(until: nowNs)
            switch self.decoder.decode(message: message) {
            case .failure(let error):
                return .error(error.description)
            case .success(.media(_, let payload)):
                self.playout.enqueueAudio(byteCount: payload.readableBytes)
                self.heardAudio = true
                self.closingMark = nil
                self.responses.audio()
                return .audio(payload, .muLaw)
            case .success(.mark(_, let name)):
                if self.heardAudio { self.closingMark = name }
                self.marks = true
                self.pendingMarks += self.playout.enqueueMark(name)
                return .ignored
            case .success(.clear):
                self.pendingMarks += self.playout.clear()
                guard self.heardAudio else { return .ignored }
                // The agent stopped the answer being played (barge-in): `clear` ends it, as its mark would have, and
                // is the agent's stop signal. Its audio from now on is the next answer's.
                self.marks = true
                self.heardAudio = false
                self.closingMark = nil
                self.responses.end()
                return .responseEnd
            }
        }

        func due(nowNs: Int64) -> DialectDue {
            self.play(until: nowNs)
            guard !self.pendingMarks.isEmpty else { return DialectDue() }
            var due = DialectDue(messages: self.pendingMarks.map { WebSocketFrame.text(self.caller.mark(name: $0)) })
            if let closing = self.closingMark, self.pendingMarks.contains(closing) {
                due.answerEnded = true
                self.responses.end()
                self.closingMark = nil
                self.heardAudio = false
            }
            self.pendingMarks.removeAll(keepingCapacity: true)
            return due
        }

        /// Plays queued agent audio in real time (8 bytes per millisecond) up to `nowNs`.
        private func play(until nowNs: Int64) {
            guard let last = self.lastPlayedNs else {
                self.lastPlayedNs = nowNs
                return
            }
            guard nowNs > last else { return }
            let elapsed = nowNs - last + self.playedRemainderNs
            let bytes = Int(elapsed / 125_000)
            self.playedRemainderNs = elapsed - Int64(bytes) * 125_000
            self.lastPlayedNs = nowNs
            guard self.playout.queuedBytes > 0 || bytes == 0 else {
                self.playedRemainderNs = 0
                return
            }
            if bytes > 0 { self.pendingMarks += self.playout.play(byteCount: bytes) }
        }
    }
}
