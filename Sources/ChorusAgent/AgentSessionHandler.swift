import ChorusCore
import ChorusAudio
import ChorusTransport
import NIOCore
import NIOWebSocket

/// One caller's session on the reference agent (Chorus native dialect): detects the end of each utterance,
/// waits the scripted latency, streams the reply clip at real-time pace and records the ground truth.
///
/// Confined to its channel's event loop.
final class AgentSessionHandler: ChannelInboundHandler, NIOScheduledCallbackHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let behavior: AgentBehavior
    private let replies: ReplyLibrary
    private let truth: TruthLog
    private var context: ChannelHandlerContext?
    private var session = "?"
    private var sampleRate = 16000
    private var replyFrames: [ByteBuffer] = []
    private var rng: SplitMix64

    // VAD state.
    private var inSpeech = false
    private var lastVoicedNs: Int64 = 0
    private var turn = 0

    // Reply state: one reply streams at a time; a new end of speech replaces it.
    private var replyStartNs: Int64 = 0
    private var replyIndex = 0
    private var pending: TruthRecord?
    private var timer: NIOScheduledCallback?

    init(behavior: AgentBehavior, replies: ReplyLibrary, truth: TruthLog, seed: UInt64) {
        self.behavior = behavior
        self.replies = replies
        self.truth = truth
        self.rng = SplitMix64(seed: seed)
        self.replyFrames = replies.frames(sampleRate: 16000) ?? []
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelReply()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let frame = self.unwrapInboundIn(data)
        switch frame.opcode {
        case .binary:
            self.hear(frame.unmaskedData, atNs: nowNs)
        case .text:
            self.control(frame.unmaskedData, atNs: nowNs)
        case .connectionClose:
            self.cancelReply()
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            var reply = context.channel.allocator.buffer(capacity: 2)
            reply.write(webSocketErrorCode: code)
            context.writeAndFlush(
                self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply))
            ).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
        case .ping:
            context.writeAndFlush(
                self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: - Listening

    private func control(_ buffer: ByteBuffer, atNs nowNs: Int64) {
        guard let message = ChorusControlMessage(buffer) else {
            self.sendText(#"{"type":"error","message":"unreadable control message"}"#)
            return
        }
        switch message.type {
        case "start":
            self.session = message.session ?? "?"
            let rate = message.sampleRate ?? 16000
            guard let frames = self.replies.frames(sampleRate: rate) else {
                self.sendText(#"{"type":"error","message":"unsupported sample_rate \#(rate)"}"#)
                return
            }
            self.sampleRate = rate
            self.replyFrames = frames
            self.sendText(#"{"type":"ready"}"#)
        case "end_of_turn":
            self.endOfSpeech(atNs: nowNs, source: "message")
        default:
            break
        }
    }

    private func hear(_ audio: ByteBuffer, atNs nowNs: Int64) {
        let level = audio.withUnsafeReadableBytes { AudioLevel.rmsDBFS(pcm16LE: $0) }
        if level >= self.behavior.vadThresholdDBFS {
            self.inSpeech = true
            self.lastVoicedNs = nowNs
        } else if self.inSpeech, Double(nowNs - self.lastVoicedNs) / 1e6 >= self.behavior.hangoverMs {
            self.endOfSpeech(atNs: self.lastVoicedNs, source: "vad")
        }
    }

    private func endOfSpeech(atNs eosNs: Int64, source: String) {
        self.inSpeech = false
        var latency = self.behavior.latencyMs + self.behavior.driftMsPerTurn * Double(self.turn)
        if self.behavior.jitterMs > 0 { latency += self.behavior.jitterMs * self.normal() }
        latency = max(0, latency)
        self.cancelReply()
        self.pending = TruthRecord(
            session: self.session, turn: self.turn, eosSource: source, eosReceivedNs: eosNs,
            scriptedLatencyMs: latency, firstReplySentNs: 0)
        self.turn += 1
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        self.replyStartNs = max(eosNs + Int64(latency * 1e6), nowNs)
        self.replyIndex = 0
        self.schedule()
    }

    // MARK: - Speaking

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.timer = nil
        guard let context = self.context else { return }
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        var wrote = false
        while self.replyIndex < self.replyFrames.count, self.deadline(self.replyIndex) <= nowNs {
            context.write(
                self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: self.replyFrames[self.replyIndex])),
                promise: nil)
            wrote = true
            if self.replyIndex == 0 {
                context.flush()
                if var record = self.pending {
                    record.firstReplySentNs = Int64(NIODeadline.now().uptimeNanoseconds)
                    self.pending = record
                }
            }
            self.replyIndex += 1
        }
        if self.replyIndex >= self.replyFrames.count {
            self.sendText(#"{"type":"response.end","turn":\#(self.turn - 1)}"#)
            if let record = self.pending { self.truth.append(record) }
            self.pending = nil
            return
        }
        if wrote { context.flush() }
        self.schedule()
    }

    private func deadline(_ index: Int) -> Int64 { self.replyStartNs + Int64(index) * 20_000_000 }

    private func schedule() {
        guard let context = self.context else { return }
        let at = NIODeadline.uptimeNanoseconds(UInt64(self.deadline(self.replyIndex)))
        self.timer = try? context.eventLoop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }

    private func cancelReply() {
        if let timer = self.timer, let loop = self.context?.eventLoop {
            loop.assumeIsolated().cancelScheduledCallback(timer)
        }
        self.timer = nil
        // A reply cut short still happened: keep its truth if its first frame went out.
        if let record = self.pending, record.firstReplySentNs != 0 { self.truth.append(record) }
        self.pending = nil
    }

    private func sendText(_ text: String) {
        guard let context = self.context else { return }
        context.writeAndFlush(
            self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))),
            promise: nil)
    }

    /// A standard normal deviate (Box–Muller) from the seeded generator.
    private func normal() -> Double {
        let u1 = max(Double.leastNonzeroMagnitude, Double.random(in: 0..<1, using: &self.rng))
        let u2 = Double.random(in: 0..<1, using: &self.rng)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

@available(*, unavailable)
extension AgentSessionHandler: Sendable {}

#if canImport(Glibc)
import Glibc
#endif
