import ChorusAudio
import ChorusCore
import ChorusDialects
import NIOCore
import NIOWebSocket

/// One caller's session on the reference agent, whatever the dialect: finds the end of each utterance (its VAD, or
/// an explicit message the wire reports), waits the scripted latency, streams the reply at real-time pace on
/// absolute deadlines, stops it on barge-in, and records the ground truth. What the bytes mean is the `AgentWire`'s
/// business.
///
/// Truth is the same in every dialect: `eosReceivedNs` is the arrival of the last voiced audio chunk (VAD) or of
/// the explicit end-of-turn message, and `firstReplySentNs` is stamped right after the first reply chunk is flushed.
///
/// Confined to its channel's event loop.
final class AgentSessionHandler: ChannelInboundHandler, NIOScheduledCallbackHandler, AgentWireSession {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let behavior: AgentBehavior
    private let truth: TruthLog
    private let wire: any AgentWire
    private let writer: AgentFrameWriter
    private var context: ChannelHandlerContext?
    private var rng: SplitMix64

    /// The session id written into the ground truth for turns that end from now on.
    var sessionId: String
    /// Whether the VAD runs (off for OpenAI manual turns, where only messages end a turn).
    var detectsSpeech = true
    /// Whether caller speech during a reply cancels it (barge-in); without it a new end of speech replaces the reply.
    var interruptsOnSpeech: Bool
    /// Set once the agent has started closing; inbound data is ignored from then on.
    private(set) var isClosing = false

    // MARK: Listening state
    private let hangoverNs: Int64
    private var inSpeech = false
    private var lastVoicedNs: Int64 = 0
    private var lastVoicedEndMs = 0
    /// Unvoiced audio heard since the last voiced chunk, in media time.
    private var silentNs: Int64 = 0
    /// Turns answered so far (the next reply's turn index).
    private(set) var turn = 0

    // MARK: Speaking state: one reply at a time
    private struct Reply {
        var turn: Int
        var startNs: Int64
        var index: Int
        var count: Int
        /// Real time between chunks: the wire's chunk length on the agent's (possibly skewed) clock.
        var chunkNs: Double
        /// A barge-in was heard: the reply stops at this instant (`agent.bargein_stop`).
        var stopAtNs: Int64?
        func deadline(_ index: Int) -> Int64 { self.startNs + Int64((Double(index) * self.chunkNs).rounded()) }
    }
    private var reply: Reply?
    private var pending: TruthRecord?
    /// An end of speech heard while a reply that ignores interruptions (`bargein_stop: never`) was playing: answered
    /// once that reply ends.
    private var queuedEndOfSpeech: (eosNs: Int64, source: String)?
    private var timer: NIOScheduledCallback?

    init(
        behavior: AgentBehavior, truth: TruthLog, wire: any AgentWire, writer: AgentFrameWriter, sessionId: String,
        interruptsOnSpeech: Bool, seed: UInt64
    ) {
        self.behavior = behavior
        self.truth = truth
        self.wire = wire
        self.writer = writer
        self.sessionId = sessionId
        self.interruptsOnSpeech = interruptsOnSpeech
        self.rng = SplitMix64(seed: seed)
        self.hangoverNs = Int64(max(0, behavior.hangoverMs) * 1e6)
    }

    /// The turn whose reply is scheduled or streaming, if any.
    var replyingTurn: Int? { self.reply?.turn }

    /// Chunks of the current reply sent so far (0 while it waits out the latency).
    var replyChunksSent: Int { self.reply?.index ?? 0 }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            self.wire.opened(self)
            context.flush()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelReply(.closing)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.isClosing = true
        self.cancelReply(.closing)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = MonotonicClock.nowNs()
        let frame = self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            guard !self.isClosing else { return }
            self.wire.received(frame, atNs: nowNs, self)
        case .connectionClose:
            self.answerClose(frame, context: context)
        case .ping:
            context.write(
                self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.isClosing = true
        self.cancelReply(.closing)
        context.close(promise: nil)
    }

    private func answerClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        self.cancelReply(.closing)
        guard !self.isClosing else {
            // Our own close was answered.
            context.close(promise: nil)
            return
        }
        self.isClosing = true
        var data = frame.unmaskedData
        let code = data.readWebSocketErrorCode() ?? .normalClosure
        var reply = context.channel.allocator.buffer(capacity: 2)
        reply.write(webSocketErrorCode: code)
        context.writeAndFlush(self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply)))
            .whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    // MARK: - Listening (called by the wire)

    /// One chunk of caller audio lasting `durationNs` at `levelDBFS`, which arrived at `nowNs`.
    /// `mediaStartMs`/`mediaEndMs` place it on the dialect's media clock, for the wire's speech events (OpenAI
    /// `audio_start_ms` / `audio_end_ms`).
    ///
    /// The hangover is counted in heard audio, as a frame-based VAD counts it: a stall in which no audio arrives
    /// (TCP holding frames back behind a retransmission) is not silence.
    func hear(levelDBFS: Double, durationNs: Int64, atNs nowNs: Int64, mediaStartMs: Int = 0, mediaEndMs: Int = 0) {
        guard self.detectsSpeech, !self.isClosing else { return }
        if levelDBFS >= self.behavior.vadThresholdDBFS {
            if !self.inSpeech {
                self.inSpeech = true
                self.wire.speechStarted(mediaMs: mediaStartMs, self)
                if self.reply != nil { self.heardBargeIn(atNs: nowNs) }
            }
            self.lastVoicedNs = nowNs
            self.lastVoicedEndMs = mediaEndMs
            self.silentNs = 0
        } else if self.inSpeech {
            self.silentNs += durationNs
            guard self.silentNs >= self.hangoverNs else { return }
            self.inSpeech = false
            if self.wire.speechStopped(mediaMs: self.lastVoicedEndMs, eosNs: self.lastVoicedNs, self) {
                self.respond(eosNs: self.lastVoicedNs, source: "vad")
            }
        }
    }

    /// An explicit end-of-turn message arrived at `nowNs`: the utterance is over, whatever the VAD thinks.
    func endOfTurnMessage(atNs nowNs: Int64) {
        self.inSpeech = false
        self.respond(eosNs: nowNs, source: "message")
    }

    /// The caller started speaking over the running reply at `nowNs`: stop it now, a scripted time later, or never
    /// (`agent.bargein_stop`), and note it in the ground truth.
    private func heardBargeIn(atNs nowNs: Int64) {
        if var record = self.pending, record.firstReplySentNs != 0, record.bargeInDetectedNs == nil {
            record.bargeInDetectedNs = nowNs
            self.pending = record
        }
        switch self.behavior.bargeInStop {
        case .dialectDefault:
            if self.interruptsOnSpeech { self.cancelReply(.bargeIn) }
        case .never:
            break
        case .after(let ms):
            guard ms > 0, var reply = self.reply else {
                self.cancelReply(.bargeIn)
                return
            }
            guard reply.stopAtNs == nil else { return }
            reply.stopAtNs = nowNs + Int64(ms * 1e6)
            self.reply = reply
            if let timer = self.timer, let loop = self.context?.eventLoop {
                loop.assumeIsolated().cancelScheduledCallback(timer)
            }
            self.timer = nil
            self.schedule()
        }
    }

    /// Schedules the reply to an end of speech at `eosNs` (`source`: `vad` or `message`), replacing any running one
    /// (or, when the agent ignores interruptions, after it).
    func respond(eosNs: Int64, source: String) {
        guard !self.isClosing else { return }
        if self.reply != nil, self.behavior.bargeInStop == .never {
            self.queuedEndOfSpeech = (eosNs, source)
            return
        }
        if self.reply != nil { self.cancelReply(.replaced) }
        var latency = self.behavior.latencyMs + self.behavior.driftMs(turn: self.turn)
        if self.behavior.jitterMs > 0 { latency += self.behavior.jitterMs * self.normal() }
        latency = max(0, latency)
        let turn = self.turn
        self.turn += 1
        self.pending = TruthRecord(
            session: self.sessionId, turn: turn, eosSource: source, eosReceivedNs: eosNs, scriptedLatencyMs: latency,
            firstReplySentNs: 0)
        // The wire prepares the reply (and may announce it) before its length is read.
        self.wire.replyScheduled(turn: turn, self)
        self.reply = Reply(
            turn: turn, startNs: max(eosNs + Int64(latency * 1e6), MonotonicClock.nowNs()), index: 0,
            count: self.wire.replyChunkCount,
            chunkNs: self.behavior.realFrameNs(nominalNs: Double(self.wire.replyChunkNs)))
        self.schedule()
    }

    /// Stops the running reply (if any) and tells the wire why; false when nothing was running.
    @discardableResult
    func cancelReply(_ reason: ReplyCancellation) -> Bool {
        guard let reply = self.reply else { return false }
        if let timer = self.timer, let loop = self.context?.eventLoop {
            loop.assumeIsolated().cancelScheduledCallback(timer)
        }
        self.timer = nil
        self.reply = nil
        // A reply cut short still happened: keep its truth if its first chunk went out.
        if var record = self.pending, record.firstReplySentNs != 0 {
            if reason == .bargeIn { record.replyStoppedNs = MonotonicClock.nowNs() }
            self.truth.append(record)
        }
        self.pending = nil
        if reason != .closing {
            self.wire.replyCancelled(turn: reply.turn, chunksSent: reply.index, reason: reason, self)
        }
        return true
    }

    // MARK: - Speaking

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.timer = nil
        guard let context = self.context, var reply = self.reply else { return }
        let nowNs = MonotonicClock.nowNs()
        var wrote = false
        if let stop = reply.stopAtNs, nowNs >= stop {
            self.cancelReply(.bargeIn)
            context.flush()
            return
        }
        // A scripted stop after a barge-in sends nothing due at or after it.
        while reply.index < reply.count, reply.deadline(reply.index) <= nowNs,
            reply.deadline(reply.index) < reply.stopAtNs ?? .max
        {
            self.wire.writeReplyChunk(reply.index, self.writer, self)
            reply.index += 1
            wrote = true
            if self.pending?.bargeInDetectedNs != nil {
                context.flush()
                self.pending?.sentAfterBargeIn(atNs: MonotonicClock.nowNs(), frameMs: Double(self.wire.replyChunkNs) / 1e6)
            }
            if reply.index == 1 {
                context.flush()
                if var record = self.pending {
                    record.firstReplySentNs = MonotonicClock.nowNs()
                    self.pending = record
                }
                self.reply = reply
                self.wire.replyStarted(turn: reply.turn, self)
            }
        }
        guard reply.index < reply.count else {
            self.reply = nil
            // Logged before the end is announced, so a caller that has seen the end can read the truth.
            if let record = self.pending { self.truth.append(record) }
            self.pending = nil
            self.wire.replyFinished(turn: reply.turn, self)
            context.flush()
            if let queued = self.queuedEndOfSpeech {
                self.queuedEndOfSpeech = nil
                self.respond(eosNs: queued.eosNs, source: queued.source)
            }
            return
        }
        self.reply = reply
        if wrote { context.flush() }
        self.schedule()
    }

    private func schedule() {
        guard let context = self.context, let reply = self.reply else { return }
        let due = min(reply.deadline(reply.index), reply.stopAtNs ?? .max)
        let at = NIODeadline.uptimeNanoseconds(UInt64(max(0, due)))
        self.timer = try? context.eventLoop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }

    // MARK: - Writing (called by the wire)

    /// Writes a text frame (flushed at the end of the read, or by the caller of the wire hook).
    func write(text: String) {
        guard let context = self.context else { return }
        context.write(
            self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))), promise: nil
        )
    }

    /// Writes a binary frame.
    func write(binary bytes: [UInt8]) {
        guard let context = self.context else { return }
        context.write(
            self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes))),
            promise: nil)
    }

    /// Flushes what the wire wrote outside a read or a reply callback.
    func flush() {
        self.context?.flush()
    }

    /// How long the agent waits for the caller to answer its close frame before closing the connection anyway.
    static let closeGrace = TimeAmount.seconds(2)

    /// Sends a close frame with `code` and `reason` (at most 123 bytes) and stops the reply; the connection closes
    /// when the caller answers the close (RFC 6455 §7.1.1: the server closes TCP after the handshake) or after
    /// `closeGrace`.
    func close(code: WebSocketErrorCode, reason: String = "") {
        guard !self.isClosing, let context = self.context else { return }
        self.isClosing = true
        self.cancelReply(.closing)
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(String(decoding: reason.utf8.prefix(123), as: UTF8.self))
        context.writeAndFlush(
            self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)),
            promise: nil)
        context.eventLoop.scheduleTask(in: Self.closeGrace) { [channel = context.channel] in channel.close(promise: nil)
        }
    }

    // MARK: - Helpers

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
