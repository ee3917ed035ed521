import ChorusAudio
import ChorusCore
import ChorusNetwork
import NIOCore
import NIOWebSocket

/// One simulated caller on a WebSocket: streams audio on absolute 20 ms deadlines and measures every turn.
///
/// Confined to its channel's event loop. Per frame it does one write of a shared pre-masked buffer, one flush and
/// one histogram update, woken by its loop's `FramePacer`: no task, timer, lock, actor hop or allocation.
final class WebSocketCallerHandler: ChannelInboundHandler, PacedCaller {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let audio: SharedAudio
    private let session: any CallerDialectSession
    private let stats: LoopStats
    private let promise: EventLoopPromise<CallerReport>
    private let rawWriter: RawFrameWriter
    private var context: ChannelHandlerContext?
    /// Where time comes from (the channel's loop once added).
    private var clock: any EventLoop
    private var flow: CallFlow
    private var started = false
    private var hungUp = false
    private var paced = false
    private var grid: FrameGrid
    private var turnsCounted = 0
    private var rng: SplitMix64
    private var waitingForReady = false

    // The impaired network as TCP experiences it: nothing is lost, but a lost segment holds back every later
    // frame on the connection until it is retransmitted (head-of-line blocking, docs/network.md).
    private var tcpUp: TCPStreamModel?
    private var tcpDown: TCPStreamModel?
    private var upLine: DelayLine<ByteBuffer>?
    /// Agent messages held back by the TCP model, with when they reached the socket.
    private var downLine: DelayLine<(frame: WebSocketFrame, socketNs: Int64)>?
    /// When the TCP model delivers the last message sent toward the agent.
    private var lastUpDueNs: Int64 = 0
    private var audioFramesSent: UInt64 = 0
    private var audioFramesReceived: UInt64 = 0

    init(
        plan: SessionPlan, dialect: any CallerDialect, stats: LoopStats, rawWriter: RawFrameWriter,
        promise: EventLoopPromise<CallerReport>
    ) {
        self.flow = CallFlow(plan: plan, clips: dialect.audio.clipShapes)
        self.audio = dialect.audio
        self.session = dialect.makeSession(plan: plan)
        self.stats = stats
        self.clock = stats.eventLoop
        self.rawWriter = rawWriter
        self.promise = promise
        self.rng = SplitMix64(seed: plan.seed)
        self.grid = FrameGrid(frameNs: dialect.audio.frameNs)
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.clock = context.eventLoop
        self.stats.activeSessions += 1
        let plan = self.flow.plan
        if let profile = plan.link, !(profile.up.isClean && profile.down.isClean) {
            let rtt = max(1, profile.baseRTTMs)
            let seed = plan.runSeed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(plan.sessionIndex)
            self.tcpUp = TCPStreamModel(profile: profile.up, seed: seed, rttMs: rtt)
            self.tcpDown = TCPStreamModel(profile: profile.down, seed: seed &+ 1, rttMs: rtt)
            self.upLine = DelayLine(eventLoop: context.eventLoop) { [unowned self] frame, _ in
                self.rawWriter.write(frame)
                self.context?.flush()
            }
            self.downLine = DelayLine(eventLoop: context.eventLoop) { [unowned self] held, dueNs in
                self.process(held.frame, arrivalNs: dueNs, downDelayNs: dueNs - held.socketNs)
            }
        }
    }

    /// Starts the call once the handshake has completed (the connector fires `CallerStart`): writes issued
    /// while the upgrade is still rearranging the pipeline could be lost.
    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        for frame in self.session.openingMessages() {
            context.write(self.wrapOutboundOut(self.masked(frame)), promise: nil)
        }
        context.flush()
        if self.session.waitsForReady {
            // Audio sent before the agent confirms the session would be read in its default format.
            self.waitingForReady = true
            let timeoutNs = self.flow.plan.responseTimeoutNs
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(timeoutNs)) { [weak self] in
                guard let self, self.waitingForReady else { return }
                self.waitingForReady = false
                self.flow.fail(.protocolError, "the agent did not confirm the session within \(timeoutNs / 1_000_000) ms")
                self.afterFlowChange()
            }
            return
        }
        self.beginStreaming()
    }

    /// Starts the conversation on the frame grid.
    private func beginStreaming() {
        guard self.flow.start() else {
            self.hangUp()
            return
        }
        self.grid.start(at: self.stats.pacer.add(self))
        self.paced = true
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.flow.connectionClosed(reason: "connection closed by the agent")
        self.countTurns()
        self.stopPacing()
        self.stats.activeSessions -= 1
        self.promise.succeed(
            CallerReport(
                turns: self.flow.turns, outcome: self.flow.outcome, error: self.flow.error, network: self.networkStats()))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.flow.fail(.protocolError, "\(error)")
        self.countTurns()
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is CallerStart {
            self.start(context: context)
        } else if event is CallerInterrupt {
            self.flow.interrupt()
            self.afterFlowChange()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: - Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = self.nowNs()  // before anything else: the bytes are here now
        let frame = self.unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            context.writeAndFlush(
                self.wrapOutboundOut(self.masked(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))),
                promise: nil)
            return
        case .connectionClose:
            self.agentClosed(frame)
            self.countTurns()
            if !self.hungUp {
                // Answer the close handshake (RFC 6455 §5.5.1) before closing, echoing the agent's code.
                self.hungUp = true
                self.stopPacing()
                var data = frame.unmaskedData
                var echo = context.channel.allocator.buffer(capacity: 2)
                if let code = data.readInteger(as: UInt16.self) { echo.writeInteger(code) }
                context.writeAndFlush(
                    self.wrapOutboundOut(self.masked(WebSocketFrame(fin: true, opcode: .connectionClose, data: echo))),
                    promise: nil)
            }
            context.close(promise: nil)
            return
        default:
            break
        }
        self.stats.framesReceived &+= 1
        if self.tcpDown != nil {
            let due = self.tcpDown!.deliver(sendNs: nowNs, bytes: frame.length + 4)
            if due > nowNs || (self.downLine?.count ?? 0) > 0 {
                self.downLine?.push((frame, nowNs), dueNs: due)
                return
            }
        }
        self.process(frame, arrivalNs: nowNs, downDelayNs: 0)
    }

    /// Handles one agent message as delivered at `nowNs`, `downDelayNs` after it reached the socket (the TCP model's
    /// delay and head-of-line blocking).
    private func process(_ frame: WebSocketFrame, arrivalNs nowNs: Int64, downDelayNs: Int64) {
        switch self.session.receive(frame, nowNs: nowNs) {
        case .audio(let payload, let format):
            self.audioFramesReceived &+= 1
            var audible = false
            if self.flow.wantsLevel {
                let level = payload.withUnsafeReadableBytes { bytes in
                    format == .muLaw ? AudioLevel.rmsDBFS(muLaw: bytes) : AudioLevel.rmsDBFS(pcm16LE: bytes)
                }
                audible = level >= self.flow.plan.audibleThresholdDBFS
            }
            self.flow.audio(
                atNs: nowNs, durationNs: format.durationNs(byteCount: payload.readableBytes), audible: audible,
                response: self.session.responseOrdinal, endIsMarked: self.session.marksResponseEnd,
                downDelayNs: downDelayNs)
        case .responseEnd:
            self.flow.responseEnded(atNs: nowNs, response: self.session.responseOrdinal)
        case .error(let message, let outcome):
            self.flow.fail(outcome, message)
        case .ready:
            if self.waitingForReady {
                self.waitingForReady = false
                self.beginStreaming()
            }
        case .ignored:
            break
        }
        self.sendDue(nowNs: nowNs, flush: true)
        self.afterFlowChange()
    }

    /// Sends what the dialect owes the agent by now (mark echoes) and ends the answer if the dialect says it is
    /// over; true when something was written.
    @discardableResult
    private func sendDue(nowNs: Int64, flush: Bool) -> Bool {
        let due = self.session.due(nowNs: nowNs)
        if due.answerEnded { self.flow.responseEnded(atNs: nowNs, response: self.session.responseOrdinal) }
        guard !due.messages.isEmpty else { return false }
        for message in due.messages { self.send(self.rawFrame(message), sentNs: nowNs) }
        if flush { self.context?.flush() }
        return true
    }

    /// The agent's close frame: a normal close mid-call drops the call; an error code is a protocol error, or a
    /// rejection for the codes agents use to refuse credentials (1008 policy, 4001/4003 unauthorized/forbidden).
    private func agentClosed(_ frame: WebSocketFrame) {
        var data = frame.unmaskedData
        let code = data.readInteger(as: UInt16.self)
        let reason = data.readString(length: min(data.readableBytes, 200)) ?? ""
        let detail = "agent closed the connection" + (code.map { " (close code \($0)\(reason.isEmpty ? "" : ": " + reason))" } ?? "")
        guard !self.flow.isHangingUp, let code, code != 1000, code != 1001 else {
            self.flow.connectionClosed(reason: detail)
            return
        }
        self.flow.fail([1008, 4001, 4003].contains(code) ? .rejected : .protocolError, detail)
        self.flow.connectionClosed(reason: detail)
    }

    // MARK: - Sending on the frame grid

    func paceTick(nowNs: Int64) {
        // Send every frame whose deadline has passed (a late wake-up sends its backlog at once, as a socket would),
        // but never more than a second's worth in one burst.
        var sent = 0
        while !self.hungUp, let deadline = self.grid.nextDue(nowNs: nowNs, sentSoFar: sent) {
            switch self.flow.nextFrame(deadlineNs: deadline) {
            case .clip(let clip, let frame, let isEndOfSpeech, let turn):
                let key = UInt32(truncatingIfNeeded: self.rng.next())
                if let built = self.session.audioFrame(clip: clip, frame: frame, deadlineNs: deadline, maskKey: key) {
                    self.send(built, sentNs: deadline)
                } else {
                    self.write(self.audio.clips[clip].wireFrames[frame], sentNs: deadline)
                }
                if isEndOfSpeech {
                    self.context?.flush()
                    // t_eos: the frame holding the last speech sample has just been handed to the kernel.
                    let eosNs = self.nowNs()
                    self.flow.endOfSpeechSent(actualNs: eosNs, intendedNs: deadline, upDelayNs: self.upDelay(after: eosNs))
                    if self.flow.plan.sendsEndOfTurn {
                        let messages = self.session.endOfTurnMessages(turn: turn)
                        for message in messages {
                            self.send(self.rawFrame(message), sentNs: deadline)
                        }
                        // An agent told explicitly takes the end of speech from the message, not the audio.
                        if !messages.isEmpty { self.flow.endOfSpeechCarried(upDelayNs: self.upDelay(after: eosNs)) }
                    }
                }
            case .silence:
                let key = UInt32(truncatingIfNeeded: self.rng.next())
                if let built = self.session.audioFrame(clip: nil, frame: 0, deadlineNs: deadline, maskKey: key) {
                    self.send(built, sentNs: deadline)
                } else {
                    self.write(self.audio.silenceWire, sentNs: deadline)
                }
            case .hangUp, .none:
                self.afterFlowChange()
                return
            }
            self.audioFramesSent &+= 1
            self.stats.recordFrameSent(deadlineNs: deadline, nowNs: self.nowNs())
            self.grid.advance()
            sent += 1
        }
        let owed = self.sendDue(nowNs: nowNs, flush: false)
        if sent > 0 || owed { self.context?.flush() }
        self.afterFlowChange()
    }

    /// Writes one of the pre-masked copies of a shared frame: no copy, no allocation.
    private func write(_ variants: [ByteBuffer], sentNs: Int64) {
        self.send(variants[Int(truncatingIfNeeded: self.rng.next() & UInt64(WebSocketWire.maskVariants - 1))], sentNs: sentNs)
    }

    /// Puts a complete frame on the caller → agent direction: to the socket, or behind the impaired TCP stream.
    private func send(_ frame: ByteBuffer, sentNs: Int64) {
        if self.tcpUp != nil {
            let due = self.tcpUp!.deliver(sendNs: sentNs, bytes: frame.readableBytes)
            self.lastUpDueNs = due
            if due > self.nowNs() || (self.upLine?.count ?? 0) > 0 {
                self.upLine?.push(frame, dueNs: due)
                return
            }
        }
        self.rawWriter.write(frame)
    }

    /// How much later than `sentNs` the TCP model delivers the last message sent (0 without impairment).
    private func upDelay(after sentNs: Int64) -> Int64 {
        self.tcpUp == nil ? 0 : max(0, self.lastUpDueNs - sentNs)
    }

    /// A control message as a complete masked client frame, so it keeps its place among the audio frames.
    private func rawFrame(_ frame: WebSocketFrame) -> ByteBuffer {
        let payload = frame.unmaskedData.getBytes(at: frame.unmaskedData.readerIndex, length: frame.unmaskedData.readableBytes) ?? []
        let key = (0..<4).map { _ in UInt8(truncatingIfNeeded: self.rng.next()) }
        let opcode: UInt8 = frame.opcode == .text ? 0x1 : 0x2
        return WebSocketWire.clientFrame(opcode: opcode, payload: payload, maskKey: key)
    }

    // MARK: - Hanging up

    /// Counts finished turns and hangs up once the flow has decided to.
    private func afterFlowChange() {
        self.countTurns()
        if self.flow.isHangingUp { self.hangUp() }
    }

    private func countTurns() {
        self.stats.recordTurns(total: self.flow.turns.count, counted: &self.turnsCounted)
    }

    private func hangUp() {
        guard !self.hungUp, let context = self.context else { return }
        self.hungUp = true
        self.stopPacing()
        self.upLine?.cancel()
        self.downLine?.cancel()
        self.waitingForReady = false
        for frame in self.session.closingMessages() {
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

    // MARK: - Statistics

    /// What TCP did to the media: nothing is lost (effective loss 0), late counts messages held back behind a
    /// retransmission, and the delay they added goes into the E-model's delay term: TCP turns loss into delay,
    /// which a listener hears as stalls (counted per turn).
    private func networkStats() -> [NetworkStats] {
        let stallMs = self.flow.turns.reduce(0) { $0 + $1.stallMs }
        let tcp = self.tcpDown?.stats
        let addedMs = tcp.map { $0.messages > 0 ? Double($0.addedDelayNs) / Double($0.messages) / 1e6 : 0 } ?? 0
        let oneWayMs = (self.flow.plan.link?.down.delayMs ?? 0) + addedMs
        let r = EModel.rFactor(oneWayDelayMs: oneWayMs, effectiveLossPct: 0, codec: .pcm16wideband)
        let down = NetworkStats(
            direction: "down", packetsReceived: Int(self.audioFramesReceived), lost: 0, late: tcp?.holBlocked ?? 0,
            effectiveLossPct: 0, concealedMs: stallMs, rFactor: r, mos: EModel.mos(r: r))
        let up = NetworkStats(
            direction: "up", packetsSent: Int(self.audioFramesSent), lost: 0, late: self.tcpUp?.stats.holBlocked ?? 0,
            effectiveLossPct: 0)
        return [up, down]
    }

    // MARK: - Helpers

    private func stopPacing() {
        guard self.paced else { return }
        self.paced = false
        self.stats.pacer.remove(self)
    }

    private func masked(_ frame: WebSocketFrame) -> WebSocketFrame {
        var f = frame
        f.maskKey = WebSocketMaskingKey.random(using: &self.rng)
        return f
    }

    /// The loop's clock: the machine's monotonic clock, or an `EmbeddedEventLoop`'s virtual time in tests.
    private func nowNs() -> Int64 { Int64(self.clock.now.uptimeNanoseconds) }
}

@available(*, unavailable)
extension WebSocketCallerHandler: Sendable {}
