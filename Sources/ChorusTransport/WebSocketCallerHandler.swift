import ChorusAudio
import ChorusCore
import NIOCore
import NIOWebSocket

/// How a session ended, as the handler saw it; the connector adds connect timing.
public struct CallerReport: Sendable {
    public var turns: [TurnResult]
    public var outcome: Outcome
    public var error: String?
}

/// Tells a caller's handler that the handshake is done and the call may start.
public struct CallerStart: Sendable {
    public init() {}
}

/// Asks a running caller to stop: the current turn is recorded as `interrupted` and the call hangs up.
public struct CallerInterrupt: Sendable {
    public init() {}
}

/// One simulated caller on a WebSocket: streams audio on absolute 20 ms deadlines and measures every turn.
///
/// Confined to its channel's event loop. Per frame it does one timer callback, one write of a shared buffer and
/// one histogram update: no task, lock or actor hop.
final class WebSocketCallerHandler: ChannelInboundHandler, NIOScheduledCallbackHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum Phase {
        case idle
        case speaking(turn: Int, frame: Int)
        case awaiting(turn: Int)
        case thinking(nextTurn: Int, untilNs: Int64)
        case hangingUp
        case closed
    }

    private let plan: SessionPlan
    private let audio: SharedAudio
    private let dialect: any CallerDialect
    private let stats: LoopStats
    private let promise: EventLoopPromise<CallerReport>
    private var context: ChannelHandlerContext?
    private var phase: Phase = .idle
    /// Set when the agent finished answering before the utterance's trailing frames were all sent.
    private var resumeAfterClip: (nextTurn: Int, untilNs: Int64)?
    private var hangUpAfterClip = false
    private var gridStartNs: Int64 = 0
    private var tick: Int64 = 0
    private var meter: TurnMeter?
    private var turns: [TurnResult] = []
    private var outcome: Outcome = .ok
    private var error: String?
    private var timer: NIOScheduledCallback?
    private var rng: SplitMix64
    private let frameBytesPerNs: Double

    init(
        plan: SessionPlan, audio: SharedAudio, dialect: any CallerDialect, stats: LoopStats,
        promise: EventLoopPromise<CallerReport>
    ) {
        self.plan = plan
        self.audio = audio
        self.dialect = dialect
        self.stats = stats
        self.promise = promise
        self.rng = SplitMix64(seed: plan.seed)
        self.frameBytesPerNs = Double(audio.sampleRate * 2) / 1e9
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.stats.activeSessions += 1
    }

    /// Starts the call once the handshake has completed (the connector fires `CallerStart`): writes issued
    /// while the upgrade is still rearranging the pipeline could be lost.
    private func start(context: ChannelHandlerContext) {
        guard case .idle = self.phase else { return }
        for frame in self.dialect.openingFrames(plan: self.plan, sampleRate: self.audio.sampleRate) {
            context.write(self.wrapOutboundOut(self.masked(frame)), promise: nil)
        }
        context.flush()
        self.gridStartNs = Self.nowNs() + self.audio.frameNs
        self.phase = self.plan.turnClips.isEmpty ? .hangingUp : .speaking(turn: 0, frame: 0)
        if case .hangingUp = self.phase {
            self.phase = .idle
            self.hangUp()
        }
        self.scheduleNextTick()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .hangingUp = self.phase {
        } else if case .closed = self.phase {
        } else {
            self.finishTurn(.dropped)
            self.fail(.dropped, "connection closed by the agent")
        }
        self.phase = .closed
        self.cancelTimer()
        self.stats.activeSessions -= 1
        self.promise.succeed(CallerReport(turns: self.turns, outcome: self.outcome, error: self.error))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finishTurn(.protocolError)
        self.fail(.protocolError, "\(error)")
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is CallerStart {
            self.start(context: context)
        } else if event is CallerInterrupt {
            self.finishTurn(.interrupted)
            if self.outcome == .ok { self.outcome = .interrupted }
            self.hangUp()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: - Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = Self.nowNs()  // before anything else: the bytes are here now
        let frame = self.unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            context.writeAndFlush(
                self.wrapOutboundOut(self.masked(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))),
                promise: nil)
            return
        case .connectionClose:
            if case .hangingUp = self.phase {
            } else {
                self.finishTurn(.dropped)
                self.fail(.dropped, "agent closed the connection\(Self.closeCode(frame))")
            }
            context.close(promise: nil)
            return
        default:
            break
        }
        self.stats.framesReceived &+= 1
        switch self.dialect.event(for: frame) {
        case .audio(let payload):
            self.receiveAudio(payload, atNs: nowNs)
        case .responseEnd:
            if let meter = self.meter, meter.isAwaitingResponse { self.completeTurn(meter.turnIndex, nowNs: nowNs) }
        case .error(let message):
            self.finishTurn(.protocolError)
            self.fail(.protocolError, message)
            self.hangUp()
        case .ready, .ignored:
            break
        }
    }

    private func receiveAudio(_ payload: ByteBuffer, atNs nowNs: Int64) {
        guard var meter = self.meter, meter.isAwaitingResponse else { return }
        let durationNs = Int64(Double(payload.readableBytes) / self.frameBytesPerNs)
        var audible = false
        if !meter.hasAudible {
            let level = payload.withUnsafeReadableBytes { AudioLevel.rmsDBFS(pcm16LE: $0) }
            audible = level >= self.plan.audibleThresholdDBFS
        }
        meter.audio(atNs: nowNs, durationNs: durationNs, audible: audible)
        self.meter = meter
    }

    // MARK: - Sending on the frame grid

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.timer = nil
        let nowNs = Self.nowNs()
        // Send every frame whose deadline has passed (a late wake-up sends its backlog at once, as a socket would),
        // but never more than a second's worth in one burst.
        var sent = 0
        while self.deadlineNs(self.tick) <= nowNs && sent < 50 {
            let deadline = self.deadlineNs(self.tick)
            guard self.sendFrame(deadlineNs: deadline) else { return }
            self.stats.sendLateUs.record((Self.nowNs() - deadline) / 1000)
            self.tick += 1
            sent += 1
        }
        if sent > 0 { self.context?.flush() }
        self.scheduleNextTick()
    }

    /// Writes the frame due at `deadlineNs`; false once the call is hanging up.
    private func sendFrame(deadlineNs: Int64) -> Bool {
        guard let context = self.context else { return false }
        switch self.phase {
        case .speaking(let turn, let index):
            let clip = self.audio.clips[self.plan.turnClips[turn]]
            if index == 0 {
                self.meter = TurnMeter(
                    turnIndex: turn, utterance: clip.name, stallThresholdNs: self.plan.stallThresholdNs)
            }
            self.write(clip.frames[index], context: context)
            if index == clip.lastSpeechFrame {
                context.flush()
                // t_eos: the frame holding the last speech sample has just been handed to the kernel.
                self.meter?.endOfSpeech(actualNs: Self.nowNs(), intendedNs: deadlineNs)
                if self.plan.sendsEndOfTurn, let eot = self.dialect.endOfTurnFrame(turn: turn) {
                    context.write(self.wrapOutboundOut(self.masked(eot)), promise: nil)
                }
            }
            if index + 1 < clip.frames.count {
                self.phase = .speaking(turn: turn, frame: index + 1)
            } else if let resume = self.resumeAfterClip {
                self.resumeAfterClip = nil
                self.phase = .thinking(nextTurn: resume.nextTurn, untilNs: resume.untilNs)
            } else if self.hangUpAfterClip {
                self.stats.framesSent &+= 1
                self.hangUp()
                return false
            } else {
                self.phase = .awaiting(turn: turn)
            }
        case .awaiting(let turn):
            self.write(self.audio.silence, context: context)
            self.checkResponseTimeout(turn: turn, nowNs: deadlineNs)
        case .thinking(let next, let untilNs):
            if deadlineNs >= untilNs {
                self.phase = .speaking(turn: next, frame: 0)
                return self.sendFrame(deadlineNs: deadlineNs)
            }
            self.write(self.audio.silence, context: context)
        case .idle, .hangingUp, .closed:
            return false
        }
        self.stats.framesSent &+= 1
        return true
    }

    private func write(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: self.nextMaskKey(), data: payload)
        context.write(self.wrapOutboundOut(frame), promise: nil)
    }

    private func checkResponseTimeout(turn: Int, nowNs: Int64) {
        guard let meter = self.meter, let eos = meter.eosNs else { return }
        if meter.firstAudioNs != nil, nowNs - meter.playoutEndNs > self.plan.responseEndSilenceNs {
            // No end marker, but the agent has been silent long enough: its answer is over.
            self.completeTurn(turn, nowNs: nowNs)
        } else if nowNs - eos > self.plan.responseTimeoutNs {
            self.finishTurn(meter.firstAudioNs == nil ? .noResponse : .timeout)
            self.advance(after: turn, resumeNs: nowNs)
        }
    }

    // MARK: - Turn bookkeeping

    private func completeTurn(_ turn: Int, nowNs: Int64) {
        let playoutEnd = self.meter?.playoutEndNs ?? nowNs
        self.finishTurn(.ok)
        self.advance(after: turn, resumeNs: max(nowNs, playoutEnd))
    }

    private func advance(after turn: Int, resumeNs: Int64) {
        let stillSpeaking: Bool
        if case .speaking = self.phase { stillSpeaking = true } else { stillSpeaking = false }
        if turn + 1 < self.plan.turnClips.count {
            let until = resumeNs + self.plan.thinkNs[turn]
            if stillSpeaking {
                self.resumeAfterClip = (turn + 1, until)
            } else {
                self.phase = .thinking(nextTurn: turn + 1, untilNs: until)
            }
        } else if stillSpeaking {
            self.hangUpAfterClip = true
        } else {
            self.hangUp()
        }
    }

    private func finishTurn(_ outcome: Outcome) {
        guard let meter = self.meter else { return }
        self.meter = nil
        self.turns.append(meter.result(outcome: outcome, originNs: self.plan.originNs))
        self.stats.turnsFinished &+= 1
    }

    private func fail(_ outcome: Outcome, _ message: String) {
        guard self.outcome == .ok || self.outcome == .interrupted else { return }
        self.outcome = outcome
        self.error = message
    }

    private func hangUp() {
        guard let context = self.context else { return }
        switch self.phase {
        case .hangingUp, .closed: return
        default: break
        }
        self.phase = .hangingUp
        self.cancelTimer()
        for frame in self.dialect.closingFrames() {
            context.write(self.wrapOutboundOut(self.masked(frame)), promise: nil)
        }
        var close = context.channel.allocator.buffer(capacity: 2)
        close.write(webSocketErrorCode: .normalClosure)
        context.writeAndFlush(
            self.wrapOutboundOut(self.masked(WebSocketFrame(fin: true, opcode: .connectionClose, data: close))),
            promise: nil)
        // The agent answers the close frame and we close then; this bounds the wait if it never does.
        let channel = context.channel
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }

    // MARK: - Helpers

    private func deadlineNs(_ tick: Int64) -> Int64 { self.gridStartNs + tick * self.audio.frameNs }

    private func scheduleNextTick() {
        guard let context = self.context else { return }
        switch self.phase {
        case .hangingUp, .closed: return
        default: break
        }
        let deadline = NIODeadline.uptimeNanoseconds(UInt64(self.deadlineNs(self.tick)))
        self.timer = try? context.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: self)
    }

    private func cancelTimer() {
        if let timer = self.timer, let loop = self.context?.eventLoop {
            loop.assumeIsolated().cancelScheduledCallback(timer)
        }
        self.timer = nil
    }

    private func nextMaskKey() -> WebSocketMaskingKey {
        WebSocketMaskingKey.random(using: &self.rng)
    }

    private func masked(_ frame: WebSocketFrame) -> WebSocketFrame {
        var f = frame
        f.maskKey = self.nextMaskKey()
        return f
    }

    static func nowNs() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds) }

    private static func closeCode(_ frame: WebSocketFrame) -> String {
        var data = frame.unmaskedData
        guard let code = data.readWebSocketErrorCode() else { return "" }
        return " (close code \(code))"
    }
}

@available(*, unavailable)
extension WebSocketCallerHandler: Sendable {}
