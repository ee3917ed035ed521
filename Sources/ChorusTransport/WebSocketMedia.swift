import ChorusDialects
import ChorusAudio
import ChorusCore
import ChorusNetwork
import NIOCore
import NIOWebSocket

/// A call's audio over a WebSocket in one of the dialects: shared pre-masked frames out, the agent's messages in.
///
/// Per frame one write of a shared pre-masked buffer (or one the dialect builds in a reused buffer), straight
/// past NIO's frame encoder through `RawFrameWriter`. Confined to its channel's event loop.
final class WebSocketMedia: CallMedia {
    typealias Inbound = WebSocketMessage

    private let audio: SharedAudio
    private let session: any CallerDialectSession
    private let rawWriter: RawFrameWriter
    private var rng: SplitMix64
    private var audioFramesReceived: UInt64 = 0
    /// The agent's media clock against ours, from the audio received in each response against arrival; each
    /// response is a segment whose media time starts at zero (fixed memory, no allocation).
    private var skew = ClockSkewEstimator(windowNs: 250_000_000)
    private var skewResponse: Int?
    private var skewMediaNs: Int64 = 0
    private var skewLastArrivalNs: Int64 = .min / 2

    var frameNs: Int64 { self.audio.frameNs }
    var clipShapes: [CallFlow.ClipShape] { self.audio.clipShapes }
    var failsOnChannelError: Bool { true }
    var closedReason: String { "connection closed by the agent" }

    init(plan: SessionPlan, dialect: any CallerDialect, rawWriter: RawFrameWriter) {
        self.audio = dialect.audio
        self.session = dialect.makeSession(plan: plan)
        self.rawWriter = rawWriter
        self.rng = SplitMix64(seed: plan.seed)
    }

    // MARK: - Opening and closing

    func open(_ call: CallEngine<WebSocketMedia>) -> CallOpening {
        guard let context = call.context else { return .hangUp }
        for frame in self.session.openingMessages() { context.write(NIOAny(self.masked(frame)), promise: nil) }
        context.flush()
        return self.session.waitsForReady ? .waitForAgent : .stream
    }

    func hangUp(_ call: CallEngine<WebSocketMedia>) -> TimeAmount {
        guard let context = call.context else { return .zero }
        for frame in self.session.closingMessages() { context.write(NIOAny(self.masked(frame)), promise: nil) }
        var close = context.channel.allocator.buffer(capacity: 2)
        close.write(webSocketErrorCode: .normalClosure)
        context.writeAndFlush(NIOAny(self.masked(WebSocketFrame(fin: true, opcode: .connectionClose, data: close))), promise: nil)
        // The agent answers the close frame and the connection closes then; this bounds the wait if it never does.
        return .seconds(1)
    }

    // MARK: - Sending

    func sendClipFrame(clip: Int, frame: Int, deadlineNs: Int64, _ call: CallEngine<WebSocketMedia>) {
        self.sendAudio(clip: clip, frame: frame, deadlineNs: deadlineNs)
    }

    func sendSilence(deadlineNs: Int64, _ call: CallEngine<WebSocketMedia>) {
        self.sendAudio(clip: nil, frame: 0, deadlineNs: deadlineNs)
    }

    /// Writes the frame the dialect builds for this slot, or else one of the shared pre-masked ones.
    private func sendAudio(clip: Int?, frame: Int, deadlineNs: Int64) {
        let key = UInt32(truncatingIfNeeded: self.rng.next())
        if let built = self.session.audioFrame(clip: clip, frame: frame, deadlineNs: deadlineNs, maskKey: key) {
            self.rawWriter.write(built)
        } else {
            self.write(clip.map { self.audio.clips[$0].wireFrames[frame] } ?? self.audio.silenceWire)
        }
    }

    func sendEndOfTurn(turn: Int, deadlineNs: Int64, _ call: CallEngine<WebSocketMedia>) -> Bool {
        let messages = self.session.endOfTurnMessages(turn: turn)
        for message in messages { self.rawWriter.write(self.rawFrame(message)) }
        return !messages.isEmpty
    }

    func flush(_ call: CallEngine<WebSocketMedia>) { self.rawWriter.flush() }

    func channelClosed(_ call: CallEngine<WebSocketMedia>) { self.rawWriter.channelClosed() }

    func tick(nowNs: Int64, _ call: CallEngine<WebSocketMedia>) -> Bool {
        self.sendDue(nowNs: nowNs, call)
    }

    /// Sends what the dialect owes the agent by now (mark echoes) and ends the answer if the dialect says it is
    /// over; true when something was written (not flushed).
    private func sendDue(nowNs: Int64, _ call: CallEngine<WebSocketMedia>) -> Bool {
        let due = self.session.due(nowNs: nowNs)
        if due.answerEnded { call.flow.responseEnded(atNs: nowNs, response: self.session.responseOrdinal) }
        guard !due.messages.isEmpty else { return false }
        for message in due.messages { self.rawWriter.write(self.rawFrame(message)) }
        return true
    }

    /// Writes one of the pre-masked copies of a shared frame: no copy, no allocation.
    private func write(_ variants: [ByteBuffer]) {
        self.rawWriter.write(variants[Int(truncatingIfNeeded: self.rng.next() & UInt64(WebSocketWire.maskVariants - 1))])
    }

    /// A control message as a complete masked client frame, so it keeps its place among the audio frames.
    private func rawFrame(_ frame: WebSocketFrame) -> ByteBuffer {
        let payload = frame.unmaskedData.getBytes(at: frame.unmaskedData.readerIndex, length: frame.unmaskedData.readableBytes) ?? []
        let key = (0..<4).map { _ in UInt8(truncatingIfNeeded: self.rng.next()) }
        let opcode: UInt8 = frame.opcode == .text ? 0x1 : 0x2
        return WebSocketWire.clientFrame(opcode: opcode, payload: payload, maskKey: key)
    }

    private func masked(_ frame: WebSocketFrame) -> WebSocketFrame {
        var f = frame
        f.maskKey = WebSocketMaskingKey.random(using: &self.rng)
        return f
    }

    // MARK: - Receiving

    func clockDriftPpm(_ call: CallEngine<WebSocketMedia>) -> Double? { self.skew.ppm() }

    /// Feeds the skew estimator with a chunk of `durationNs` of audio: its media time is the audio of the response
    /// received before it. A new response, or audio after a pause of over 300 ms for dialects that do not number
    /// responses, starts a new segment.
    private func recordMediaClock(arrivalNs: Int64, durationNs: Int64) {
        let response = self.session.responseOrdinal
        defer { self.skewLastArrivalNs = arrivalNs }
        if response != self.skewResponse || arrivalNs - self.skewLastArrivalNs > 300_000_000 {
            self.skewResponse = response
            self.skewMediaNs = 0
            self.skew.startSegment()
        }
        self.skew.record(arrivalNs: arrivalNs, mediaNs: self.skewMediaNs)
        self.skewMediaNs += durationNs
    }

    func receive(_ message: WebSocketMessage, arrivalNs nowNs: Int64, downDelayNs: Int64, _ call: CallEngine<WebSocketMedia>) {
        switch message.opcode {
        case .ping:
            call.context?.writeAndFlush(
                NIOAny(self.masked(WebSocketFrame(fin: true, opcode: .pong, data: message.data))), promise: nil)
            return
        case .connectionClose:
            self.agentClosed(message, call)
            if call.stopSending(), let context = call.context {
                // Answer the close handshake (RFC 6455 §5.5.1) before closing, echoing the agent's code.
                var data = message.data
                var echo = context.channel.allocator.buffer(capacity: 2)
                if let code = data.readInteger(as: UInt16.self) { echo.writeInteger(code) }
                context.writeAndFlush(
                    NIOAny(self.masked(WebSocketFrame(fin: true, opcode: .connectionClose, data: echo))), promise: nil)
            }
            call.close()
            return
        default:
            break
        }
        call.stats.framesReceived &+= 1
        switch self.session.receive(message, nowNs: nowNs) {
        case .audio(let payload, let format):
            self.audioFramesReceived &+= 1
            self.recordMediaClock(arrivalNs: nowNs, durationNs: format.durationNs(byteCount: payload.readableBytes))
            var audible = false
            if call.flow.wantsLevel {
                let level = payload.withUnsafeReadableBytes { bytes in
                    format == .muLaw ? AudioLevel.rmsDBFS(muLaw: bytes) : AudioLevel.rmsDBFS(pcm16LE: bytes)
                }
                audible = level >= call.flow.plan.audibleThresholdDBFS
            }
            call.flow.audio(
                atNs: nowNs, durationNs: format.durationNs(byteCount: payload.readableBytes), audible: audible,
                response: self.session.responseOrdinal, endIsMarked: self.session.marksResponseEnd,
                downDelayNs: downDelayNs)
        case .responseEnd:
            call.flow.responseEnded(atNs: nowNs, response: self.session.responseOrdinal)
        case .error(let message, let outcome):
            call.flow.fail(outcome, message)
        case .ready:
            call.agentReady()
        case .ignored:
            break
        }
        if self.sendDue(nowNs: nowNs, call) { self.rawWriter.flush() }
    }

    /// The agent's close frame: a normal close mid-call drops the call; an error code is a protocol error, or a
    /// rejection for the codes agents use to refuse credentials (1008 policy, 4001/4003 unauthorized/forbidden).
    private func agentClosed(_ message: WebSocketMessage, _ call: CallEngine<WebSocketMedia>) {
        var data = message.data
        let code = data.readInteger(as: UInt16.self)
        let reason = data.readString(length: min(data.readableBytes, 200)) ?? ""
        let detail = "agent closed the connection" + (code.map { " (close code \($0)\(reason.isEmpty ? "" : ": " + reason))" } ?? "")
        guard !call.flow.isHangingUp, let code, code != 1000, code != 1001 else {
            call.flow.connectionClosed(reason: detail)
            return
        }
        call.flow.fail([1008, 4001, 4003].contains(code) ? .rejected : .protocolError, detail)
        call.flow.connectionClosed(reason: detail)
    }

    // MARK: - Statistics

    /// What TCP did to the media: nothing is lost (effective loss 0), late counts messages held back behind a
    /// retransmission, and the delay they added goes into the E-model's delay term: TCP turns loss into delay,
    /// which a listener hears as stalls (counted per turn).
    func networkStats(_ call: CallEngine<WebSocketMedia>) -> [NetworkStats] {
        let stallMs = call.flow.turns.reduce(0) { $0 + $1.stallMs }
        let tcp = call.tap?.downStream
        let addedMs = tcp.map { $0.messages > 0 ? Double($0.addedDelayNs) / Double($0.messages) / 1e6 : 0 } ?? 0
        let oneWayMs = (call.flow.plan.link?.down.delayMs ?? 0) + addedMs
        let r = EModel.rFactor(oneWayDelayMs: oneWayMs, effectiveLossPct: 0, codec: .pcm16wideband)
        let down = NetworkStats(
            direction: "down", packetsReceived: Int(self.audioFramesReceived), lost: 0, late: tcp?.holBlocked ?? 0,
            effectiveLossPct: 0, concealedMs: stallMs, rFactor: r, mos: EModel.mos(r: r))
        let up = NetworkStats(
            direction: "up", packetsSent: Int(call.framesSent), lost: 0, late: call.tap?.upStream?.holBlocked ?? 0,
            effectiveLossPct: 0)
        return [up, down]
    }
}

@available(*, unavailable)
extension WebSocketMedia: Sendable {}

extension CallEngine where Media == WebSocketMedia {
    /// A WebSocket caller speaking `dialect`, writing prebuilt frames through `rawWriter`.
    static func webSocket(
        plan: SessionPlan, dialect: any CallerDialect, stats: LoopStats, rawWriter: RawFrameWriter, tap: LinkTap? = nil,
        promise: EventLoopPromise<CallerReport>
    ) -> CallEngine<WebSocketMedia> {
        CallEngine(
            plan: plan, media: WebSocketMedia(plan: plan, dialect: dialect, rawWriter: rawWriter), stats: stats, tap: tap,
            promise: promise)
    }
}

extension CallEngine: WebSocketMessageReceiver where Media == WebSocketMedia {
    func receiveMessage(_ message: WebSocketMessage) {
        self.receive(message)
    }
}
