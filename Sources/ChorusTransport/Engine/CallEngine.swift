import ChorusCore
import NIOCore

/// One simulated caller, whatever the transport: owns the call's flow of turns, its absolute frame grid, its place
/// on the loop's pacer, its lifecycle and its report; `Media` only moves frames on and off the wire.
///
/// Confined to its channel's event loop. Per frame it asks the flow what to send and hands it to the media, woken by
/// its loop's `FramePacer`: no task, timer, lock, actor hop or allocation. Time comes from the loop's clock (an
/// `EmbeddedEventLoop`'s virtual time in tests). An impaired link is a separate handler in front of the
/// transport (`ImpairmentHandler`); `tap` is how it tells the engine what it did.
final class CallEngine<Media: CallMedia>: ChannelInboundHandler, PacedCaller {
    typealias InboundIn = Media.Inbound

    /// The transport's half of the call.
    let media: Media
    /// The conversation: turns, timing, outcome.
    var flow: CallFlow
    /// The loop's counters and pacer.
    let stats: LoopStats
    /// What the impaired link in front of the transport did to the unit in hand; nil on a clean link.
    let tap: LinkTap?
    /// The channel, once the engine is in its pipeline.
    private(set) var context: ChannelHandlerContext?
    /// Audio frames put on the wire so far.
    private(set) var framesSent: UInt64 = 0
    /// Whether the call has stopped sending (hung up, or the agent closed).
    private(set) var hungUp = false

    private let promise: EventLoopPromise<CallerReport>
    private var clock: any EventLoop
    private var grid: FrameGrid
    private var started = false
    private var paced = false
    private var waitingForAgent = false
    /// Fails the call if the agent does not confirm the session in time.
    private var agentWait: Scheduled<Void>?
    private var turnsCounted = 0
    /// Why the link below ended the call, when it said (`LinkEndingError`).
    private var linkEndedReason: String?

    init(plan: SessionPlan, media: Media, stats: LoopStats, tap: LinkTap? = nil, promise: EventLoopPromise<CallerReport>) {
        self.media = media
        self.flow = CallFlow(plan: plan, clips: media.clipShapes)
        self.stats = stats
        self.tap = tap
        self.promise = promise
        self.clock = stats.eventLoop
        self.grid = FrameGrid(frameNs: media.frameNs)
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.clock = context.eventLoop
        self.stats.activeSessions += 1
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // The context holds this handler: keeping it here would keep every finished call, its media and its
        // buffers alive for the rest of the run (a 30-minute soak grew by about 1 KB per turn).
        self.stopPacing()
        self.cancelAgentWait()
        self.context = nil
    }

    private func cancelAgentWait() {
        self.agentWait?.cancel()
        self.agentWait = nil
    }

    /// Opens the call once the transport is ready (the connector fires `CallerStart`): writes issued while a
    /// handshake is still rearranging the pipeline could be lost.
    private func start() {
        guard !self.started else { return }
        self.started = true
        self.stats.sessionsOpened += 1
        switch self.media.open(self) {
        case .stream:
            self.beginStreaming()
        case .hangUp:
            self.hangUp()
        case .waitForAgent:
            // Audio sent before the agent confirms the session would be read in its default format.
            self.waitingForAgent = true
            let timeoutNs = self.flow.plan.responseTimeoutNs
            // Captured strongly and cancelled once moot: a weak reference would give the engine a side table, and
            // every retain of it on the per-frame path would take the slow path.
            self.agentWait = self.clock.assumeIsolated().scheduleTask(in: .nanoseconds(timeoutNs)) { [self] in
                self.agentWait = nil
                guard self.waitingForAgent else { return }
                self.waitingForAgent = false
                self.flow.fail(.protocolError, "the agent did not confirm the session within \(timeoutNs / 1_000_000) ms")
                self.afterFlowChange()
            }
        }
    }

    /// The agent confirmed the session: start streaming if the call was waiting for it.
    func agentReady() {
        guard self.waitingForAgent else { return }
        self.waitingForAgent = false
        self.cancelAgentWait()
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
        self.media.channelClosed(self)
        self.flow.connectionClosed(reason: self.linkEndedReason ?? self.media.closedReason)
        self.countTurns()
        self.stopPacing()
        self.stats.activeSessions -= 1
        self.stats.sessionsEnded += 1
        var report = CallerReport(
            turns: self.flow.turns, outcome: self.flow.outcome, error: self.flow.error,
            network: self.media.networkStats(self))
        report.clockDriftPpm = self.media.clockDriftPpm(self)
        self.promise.succeed(report)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The link below is about to close the channel: the call was dropped, and this is why.
        if let ending = error as? any LinkEndingError {
            self.linkEndedReason = ending.description
            return
        }
        guard self.media.failsOnChannelError else { return }
        self.flow.fail(.protocolError, "\(error)")
        self.countTurns()
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is CallerStart {
            self.start()
        } else if event is CallerInterrupt {
            self.flow.interrupt()
            self.afterFlowChange()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: - Receiving

    @_specialize(exported: false, where Media == WebSocketMedia)
    @_specialize(exported: false, where Media == RTPMedia)
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.receive(self.unwrapInboundIn(data))
    }

    /// What the transport received, from the pipeline or straight from the layer below it, which may have read the
    /// clock on the datagram's arrival already (`readNs`).
    @_specialize(exported: false, where Media == RTPMedia)
    func receive(_ inbound: Media.Inbound, arrivalNs readNs: Int64? = nil) {
        // Before anything else: the bytes are here now, or were when the impaired link let them through.
        let arrivalNs: Int64
        let downDelayNs: Int64
        if let held = self.tap?.heldDelivery {
            (arrivalNs, downDelayNs) = (held.dueNs, held.heldNs)
        } else {
            (arrivalNs, downDelayNs) = (readNs ?? self.nowNs(), 0)
        }
        self.media.receive(inbound, arrivalNs: arrivalNs, downDelayNs: downDelayNs, self)
        self.afterFlowChange()
    }

    // MARK: - Sending on the frame grid

    // The pacer and the pipeline call the engine through a protocol, which would run its generic body (a runtime
    // metadata lookup and witness calls per frame); these are the specialized bodies for the built-in transports.
    @_specialize(exported: false, where Media == WebSocketMedia)
    @_specialize(exported: false, where Media == RTPMedia)
    func paceTick(nowNs: Int64) {
        // Send every frame whose deadline has passed (a late wake-up sends its backlog at once, as a socket would),
        // but never more than a second's worth in one burst.
        var sent = 0
        self.media.prefetchForSending()
        while !self.hungUp, let deadline = self.grid.nextDue(nowNs: nowNs, sentSoFar: sent) {
            switch self.flow.nextFrame(deadlineNs: deadline) {
            case .clip(let clip, let frame, let isEndOfSpeech, let turn):
                self.media.sendClipFrame(clip: clip, frame: frame, deadlineNs: deadline, self)
                if self.flow.isStampingSpeechStart {
                    self.media.flush(self)
                    self.flow.bargeInSpeechSent(actualNs: self.nowNs())
                }
                if isEndOfSpeech { self.endOfSpeech(turn: turn, deadlineNs: deadline) }
            case .silence:
                self.media.sendSilence(deadlineNs: deadline, self)
            case .hangUp, .none:
                self.afterFlowChange()
                return
            }
            self.framesSent &+= 1
            self.stats.recordFrameSent(deadlineNs: deadline, nowNs: self.nowNs())
            self.grid.advance()
            sent += 1
        }
        let wrote = self.media.tick(nowNs: nowNs, self)
        if sent > 0 || wrote { self.media.flush(self) }
        self.afterFlowChange()
    }

    /// The frame holding the last speech sample of `turn` has just been written.
    private func endOfSpeech(turn: Int, deadlineNs: Int64) {
        self.media.flush(self)
        // t_eos: the frame holding the last speech sample has just been handed to the kernel.
        let eosNs = self.nowNs()
        self.flow.endOfSpeechSent(actualNs: eosNs, intendedNs: deadlineNs, upDelayNs: self.upDelay(after: eosNs))
        // An agent told explicitly takes the end of speech from the message, not the audio.
        if self.flow.plan.sendsEndOfTurn, self.media.sendEndOfTurn(turn: turn, deadlineNs: deadlineNs, self) {
            self.flow.endOfSpeechCarried(upDelayNs: self.upDelay(after: eosNs))
        }
    }

    /// How much later than `sentNs` the link delivers the last unit written: 0 on a clean link, nil when the link
    /// dropped it.
    private func upDelay(after sentNs: Int64) -> Int64? {
        guard let tap = self.tap else { return 0 }
        return tap.lastOutboundDueNs.map { max(0, $0 - sentNs) }
    }

    // MARK: - Turns and hanging up

    /// Counts finished turns and hangs up once the flow has decided to.
    func afterFlowChange() {
        self.countTurns()
        if self.flow.isHangingUp { self.hangUp() }
    }

    private func countTurns() {
        guard self.flow.turns.count > self.turnsCounted else { return }
        self.media.turnsFinished(self)
        self.stats.recordTurns(total: self.flow.turns.count, counted: &self.turnsCounted)
    }

    /// Stops sending and says goodbye the transport's way, then closes after the media's grace period (the
    /// agent's answer to the goodbye normally closes it sooner).
    func hangUp() {
        guard let context = self.context, self.stopSending() else { return }
        let grace = self.media.hangUp(self)
        let channel = context.channel
        context.eventLoop.assumeIsolated().scheduleTask(in: grace) { channel.close(promise: nil) }
    }

    /// Stops sending without a goodbye (the agent said goodbye first); false when the call had already stopped.
    func stopSending() -> Bool {
        guard !self.hungUp else { return false }
        self.hungUp = true
        self.stopPacing()
        self.waitingForAgent = false
        self.cancelAgentWait()
        return true
    }

    /// Closes the channel now.
    func close() {
        self.context?.close(promise: nil)
    }

    private func stopPacing() {
        guard self.paced else { return }
        self.paced = false
        self.stats.pacer.remove(self)
    }

    /// The loop's clock: the machine's monotonic clock, or an `EmbeddedEventLoop`'s virtual time in tests.
    func nowNs() -> Int64 { Int64(self.clock.now.uptimeNanoseconds) }
}

@available(*, unavailable)
extension CallEngine: Sendable {}
