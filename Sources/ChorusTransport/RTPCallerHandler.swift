import ChorusAudio
import ChorusCore
import ChorusNetwork
import ChorusRTP
import NIOCore

/// One simulated caller over RTP/UDP: its own port and SSRC, a packet every 20 ms on absolute deadlines from
/// shared pre-encoded templates, RTCP (rtcp-mux) every ~5 s and at hang-up, and a receiver with RFC 3550
/// statistics and a playout model for the agent's audio.
///
/// Confined to its channel's event loop; per packet one template copy into a reused buffer and one write.
final class RTPCallerHandler: ChannelInboundHandler, PacedCaller {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let audio: SharedRTPAudio
    private let stats: LoopStats
    /// Where an unconnected socket sends; nil when the socket is connected to the agent (symmetric RTP).
    private let remote: SocketAddress?
    private let promise: EventLoopPromise<CallerReport>
    private var context: ChannelHandlerContext?
    /// Where time comes from (the channel's loop once added).
    private var clock: any EventLoop
    private var flow: CallFlow
    private var rng: SplitMix64
    private let ssrc: UInt32
    private var sequence: UInt16
    private var timestamp: UInt32
    private var sender: RTPSenderStats
    private var scratch: ByteBuffer
    private var started = false
    private var hungUp = false
    private var paced = false
    private var grid: FrameGrid
    private var nextRTCPNs: Int64 = 0
    private var turnsCounted = 0
    private var lastWasSilence = true

    // Receiving.
    private var receiver: RTPReceiverStats?
    private var playout: PlayoutBuffer
    private var decoder: OpusDecoder?
    private var malformed = 0
    private var agentPacketsSent: Int?
    private var lastBlockAboutUs: RTCPReportBlock?
    private var rttNs: Int64?
    private var talkspurts: TalkspurtTracker

    // The impaired network, per direction, when the plan has one.
    private var link: LinkImpairment?
    private var upLine: DelayLine<ByteBuffer>?
    /// Buffers of released held packets, reused for the next ones (`held`).
    private var heldPool: [ByteBuffer] = []
    /// Datagrams held back by the link, with when they reached the socket.
    private var downLine: DelayLine<(data: ByteBuffer, socketNs: Int64)>?
    /// When the link delivers the last packet sent toward the agent; nil when it dropped it.
    private var lastUpArrivalNs: Int64? = 0

    init(
        plan: SessionPlan, audio: SharedRTPAudio, stats: LoopStats, remote: SocketAddress?,
        promise: EventLoopPromise<CallerReport>
    ) {
        self.flow = CallFlow(plan: plan, clips: audio.clips.map {
            CallFlow.ClipShape(name: $0.name, frameCount: $0.template.frameCount, lastSpeechFrame: $0.lastSpeechFrame)
        })
        self.audio = audio
        self.stats = stats
        self.clock = stats.eventLoop
        self.remote = remote
        self.promise = promise
        var rng = SplitMix64(seed: plan.seed)
        self.ssrc = UInt32(truncatingIfNeeded: rng.next())
        self.sequence = UInt16(truncatingIfNeeded: rng.next())
        self.timestamp = UInt32(truncatingIfNeeded: rng.next())
        self.rng = rng
        self.grid = FrameGrid(frameNs: audio.frameNs)
        self.sender = RTPSenderStats(ssrc: self.ssrc, clockRate: audio.format.clockRate)
        self.playout = PlayoutBuffer(configuration: PlayoutConfiguration(format: audio.format))
        self.talkspurts = TalkspurtTracker(timestampIncrement: audio.silence.timestampIncrement)
        let maxPacket = max(audio.silence.maxPacketSize, audio.clips.map(\.template.maxPacketSize).max() ?? 0)
        self.scratch = ByteBuffer()
        self.scratch.reserveCapacity(max(maxPacket, 1500))
    }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.clock = context.eventLoop
        self.stats.activeSessions += 1
        if let profile = self.flow.plan.link, !(profile.up.isClean && profile.down.isClean) {
            self.link = LinkImpairment(profile: profile, runSeed: self.flow.plan.runSeed, callerIndex: self.flow.plan.sessionIndex)
            self.upLine = DelayLine(eventLoop: context.eventLoop) { [unowned self] packet, _ in
                self.context?.writeAndFlush(self.outbound(packet), promise: nil)
                // Once the socket has taken it nothing else holds it, and the next held packet overwrites it.
                if self.heldPool.count < 64 { self.heldPool.append(packet) }
            }
            self.heldPool.reserveCapacity(64)
            self.downLine = DelayLine(eventLoop: context.eventLoop) { [unowned self] held, dueNs in
                self.process(held.data, arrivalNs: dueNs, downDelayNs: dueNs - held.socketNs)
                self.afterFlowChange()
            }
        }
    }

    private func start() {
        guard !self.started else { return }
        self.started = true
        let now = self.nowNs()
        // The session id travels as the RTCP CNAME, so the agent's ground truth can be joined with ours.
        self.sendRTCP(nowNs: now, bye: false)
        guard self.flow.start() else {
            self.hangUp()
            return
        }
        self.grid.start(at: self.stats.pacer.add(self))
        self.nextRTCPNs = now + 5_000_000_000
        self.paced = true
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.upLine?.cancel()
        self.downLine?.cancel()
        self.flow.connectionClosed(reason: "socket closed")
        self.finishTurnsIfNeeded()
        self.stopPacing()
        self.stats.activeSessions -= 1
        self.promise.succeed(
            CallerReport(
                turns: self.flow.turns, outcome: self.flow.outcome, error: self.flow.error,
                network: self.networkStats()))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like surface here; the response timeout decides the turn's outcome.
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

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = self.nowNs()  // before anything else: the bytes are here now
        let envelope = self.unwrapInboundIn(data)
        self.stats.framesReceived &+= 1
        if self.link != nil {
            // The agent → caller direction of the impaired network: drop, or deliver late (and maybe twice).
            switch self.link!.down.decide(sendNs: nowNs, bytes: envelope.data.readableBytes) {
            case .dropped:
                return
            case .deliver(let atNs, let duplicateAtNs):
                if let d = duplicateAtNs { self.downLine?.push((envelope.data, nowNs), dueNs: d) }
                if atNs > nowNs {
                    self.downLine?.push((envelope.data, nowNs), dueNs: atNs)
                    return
                }
            }
        }
        self.process(envelope.data, arrivalNs: nowNs, downDelayNs: 0)
        self.afterFlowChange()
    }

    /// Handles one datagram as arrived at `arrivalNs`, `downDelayNs` after it reached the socket (the link's delay).
    private func process(_ data: ByteBuffer, arrivalNs nowNs: Int64, downDelayNs: Int64) {
        data.withUnsafeReadableBytes { bytes in
            if RTCPPacket.isRTCP(bytes) {
                self.receiveRTCP(bytes, nowNs: nowNs)
            } else {
                self.receiveRTP(bytes, nowNs: nowNs, downDelayNs: downDelayNs)
            }
        }
    }

    private func receiveRTP(_ bytes: UnsafeRawBufferPointer, nowNs: Int64, downDelayNs: Int64) {
        guard case .success(let view) = RTPHeader.parse(bytes) else {
            self.malformed += 1
            self.receiver?.recordMalformed()
            return
        }
        let h = view.header
        guard h.payloadType == self.audio.format.payloadType else {
            self.malformed += 1
            return
        }
        if self.receiver == nil { self.receiver = RTPReceiverStats(ssrc: h.ssrc, clockRate: self.audio.format.clockRate) }
        guard self.receiver?.ssrc == h.ssrc else {
            self.malformed += 1  // a second source on our port: counted, not measured
            return
        }
        self.receiver?.record(seq: h.sequenceNumber, rtpTimestamp: h.timestamp, arrivalNs: nowNs)
        self.playout.record(seq: h.sequenceNumber, rtpTimestamp: h.timestamp, arrivalNs: nowNs, marker: h.marker)
        var audible = false
        if self.flow.wantsLevel {
            audible = self.isAudible(view, bytes)
        }
        // Each talkspurt is one response: a reply's tail that arrives late is never the next reply's first audio.
        let placed = self.talkspurts.place(sequence: h.sequenceNumber, timestamp: h.timestamp, marker: h.marker)
        self.flow.audio(
            atNs: nowNs, durationNs: self.audio.frameNs, audible: audible, response: placed.ordinal,
            downDelayNs: downDelayNs, isResponseStart: placed.isStart)
    }

    private func isAudible(_ view: RTPPacketView, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let threshold = self.flow.plan.audibleThresholdDBFS
        if let level = view.audioLevel {
            // RFC 6464 carries −dBov: 0 is loudest, 127 silence.
            return -Double(level.level) >= threshold
        }
        let payload = view.payload(in: bytes)
        if self.audio.format.payloadType == 0 || self.audio.format.encodingName == "PCMU" {
            return AudioLevel.rmsDBFS(muLaw: payload) >= threshold
        }
        if self.decoder == nil { self.decoder = try? OpusDecoder(sampleRate: 48000) }
        guard let decoder = self.decoder, let pcm = try? decoder.decode(Array(payload), frameSamples: 960) else {
            return false
        }
        return AudioLevel.rmsDBFS(pcm) >= threshold
    }

    private func receiveRTCP(_ bytes: UnsafeRawBufferPointer, nowNs: Int64) {
        guard case .success(let packets) = RTCPPacket.parseCompound(bytes) else {
            self.malformed += 1
            return
        }
        for packet in packets {
            switch packet {
            case .senderReport(let sr):
                self.agentPacketsSent = Int(sr.packetCount)
                self.receiver?.recordSenderReport(ntpTimestamp: sr.ntpTimestamp, arrivalNs: nowNs)
                self.noteBlocks(sr.reports, nowNs: nowNs)
            case .receiverReport(let rr):
                self.noteBlocks(rr.reports, nowNs: nowNs)
            default:
                break
            }
        }
    }

    private func noteBlocks(_ blocks: [RTCPReportBlock], nowNs: Int64) {
        guard let block = blocks.first(where: { $0.ssrc == self.ssrc }) else { return }
        self.lastBlockAboutUs = block
        if let rtt = block.roundTripTimeNs(arrival: NTPTimestamp(unixNanoseconds: MonotonicClock.wallNs())), rtt >= 0 {
            self.rttNs = rtt
        }
        if self.hungUp { self.context?.close(promise: nil) }
    }

    // MARK: - Sending on the frame grid

    func paceTick(nowNs: Int64) {
        var sent = 0
        while !self.hungUp, let deadline = self.grid.nextDue(nowNs: nowNs, sentSoFar: sent) {
            switch self.flow.nextFrame(deadlineNs: deadline) {
            case .clip(let clip, let frame, let isEndOfSpeech, _):
                self.send(self.audio.clips[clip].template, frame: frame, nowNs: deadline)
                if isEndOfSpeech {
                    self.context?.flush()
                    // t_eos: the packet holding the last speech sample has just been handed to the kernel.
                    let eosNs = self.nowNs()
                    self.flow.endOfSpeechSent(
                        actualNs: eosNs, intendedNs: deadline, upDelayNs: self.lastUpArrivalNs.map { max(0, $0 - eosNs) })
                }
            case .silence:
                self.send(self.audio.silence, frame: 0, nowNs: deadline)
            case .hangUp, .none:
                self.afterFlowChange()
                return
            }
            self.stats.recordFrameSent(deadlineNs: deadline, nowNs: self.nowNs())
            self.grid.advance()
            sent += 1
        }
        if sent > 0 { self.context?.flush() }
        self.playout.advance(toNs: nowNs)
        if nowNs >= self.nextRTCPNs {
            self.sendRTCP(nowNs: nowNs, bye: false)
            // RFC 3550 randomises the interval to 0.5–1.5 × 5 s so reports do not synchronise.
            self.nextRTCPNs = nowNs + RTCPTiming.randomizedIntervalNs(unitRandom: Double.random(in: 0..<1, using: &self.rng))
        }
        self.afterFlowChange()
    }

    /// Writes one packet from a shared template into the reused scratch buffer.
    private func send(_ template: RTPStreamTemplate, frame: Int, nowNs: Int64) {
        guard let context = self.context else { return }
        let isSilence = template.frameCount == 1 && frame == 0 && template.audioLevels.first?.voice == false
        let marker = self.lastWasSilence && !isSilence
        self.lastWasSilence = isSilence
        self.scratch.clear()
        let size = template.packetSize(frame: frame)
        let seq = self.sequence
        let ts = self.timestamp
        let ssrc = self.ssrc
        self.scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { buffer in
            template.write(frame: frame, sequenceNumber: seq, timestamp: ts, ssrc: ssrc, marker: marker, into: buffer)
        }
        self.sender.recordSent(payloadBytes: size - RTPHeader.fixedSize, rtpTimestamp: ts, sentNs: nowNs)
        self.sequence &+= 1
        self.timestamp &+= template.timestampIncrement
        self.transmit(self.scratch, sentNs: nowNs, context: context)
    }

    /// Puts a datagram on the caller → agent direction: straight to the socket, or through the impaired link.
    private func transmit(_ packet: ByteBuffer, sentNs: Int64, context: ChannelHandlerContext) {
        if self.link != nil {
            switch self.link!.up.decide(sendNs: sentNs, bytes: packet.readableBytes) {
            case .dropped:
                self.lastUpArrivalNs = nil
                return
            case .deliver(let atNs, let duplicateAtNs):
                self.lastUpArrivalNs = atNs
                if let d = duplicateAtNs { self.upLine?.push(self.held(packet), dueNs: d) }
                if atNs > self.nowNs() {
                    self.upLine?.push(self.held(packet), dueNs: atNs)
                    return
                }
            }
        }
        context.write(self.outbound(packet), promise: nil)
    }

    /// A copy of `packet` in a buffer of the held-packet pool. Holding the scratch buffer itself would make the next
    /// packet's write copy it (copy-on-write): an allocation for every packet the link delays.
    private func held(_ packet: ByteBuffer) -> ByteBuffer {
        var buffer = self.heldPool.popLast() ?? ByteBufferAllocator().buffer(capacity: max(packet.readableBytes, 256))
        buffer.clear()
        buffer.writeImmutableBuffer(packet)
        return buffer
    }

    /// A datagram as the channel takes it: bare on a connected socket (no envelope to box), addressed otherwise.
    private func outbound(_ packet: ByteBuffer) -> NIOAny {
        guard let remote = self.remote else { return NIOAny(packet) }
        return NIOAny(AddressedEnvelope(remoteAddress: remote, data: packet))
    }

    private func sendRTCP(nowNs: Int64, bye: Bool) {
        guard let context = self.context else { return }
        var reports: [RTCPReportBlock] = []
        if var receiver = self.receiver {
            reports.append(receiver.makeReportBlock(nowNs: nowNs))
            self.receiver = receiver
        }
        var packets: [RTCPPacket] = [
            .senderReport(
                self.sender.makeSenderReport(
                    ntpTimestamp: NTPTimestamp(unixNanoseconds: MonotonicClock.wallNs()), nowNs: nowNs, reports: reports)),
            .sourceDescription(RTCPSourceDescription(ssrc: self.ssrc, cname: self.flow.plan.sessionId)),
        ]
        if bye { packets.append(.bye(RTCPBye(ssrcs: [self.ssrc], reason: "hang-up"))) }
        let bytes = RTCPPacket.compound(packets)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        self.transmit(buffer, sentNs: nowNs, context: context)
        context.flush()
    }

    // MARK: - Turns and hang-up

    private func afterFlowChange() {
        self.finishTurnsIfNeeded()
        if self.flow.isHangingUp { self.hangUp() }
    }

    /// Completes each newly finished turn with what the playout model heard: playout delay and stalls.
    private func finishTurnsIfNeeded() {
        let n = self.flow.turns.count
        guard n > self.turnsCounted else { return }
        let heard = self.playout.finishTurn()
        self.flow.amendLastTurn { turn in
            turn.stallCount = heard.stalls
            turn.stallMs = heard.stallMs
            if let audible = turn.ttfaAudibleMs { turn.voiceToVoiceMs = audible + heard.playoutDelayMs }
        }
        self.stats.recordTurns(total: n, counted: &self.turnsCounted)
    }

    private func hangUp() {
        guard !self.hungUp, let context = self.context else { return }
        self.hungUp = true
        self.stopPacing()
        self.sendRTCP(nowNs: self.nowNs(), bye: true)
        // The agent answers BYE with a last receiver report; wait briefly for it (closing on arrival).
        let channel = context.channel
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(300)) { channel.close(promise: nil) }
    }

    private func stopPacing() {
        guard self.paced else { return }
        self.paced = false
        self.stats.pacer.remove(self)
    }

    // MARK: - Statistics

    private func networkStats() -> [NetworkStats] {
        let codec: EModel.Codec = self.audio.format.encodingName == "opus" ? .opus : .pcmu
        let totals = self.playout.totals
        let oneWayMs = Double(self.rttNs ?? 0) / 2e6 + totals.meanBufferDelayMs
        // The agent's last sender report is up to 5 s old; the receiver's expected count (RFC 3550 A.3) is current.
        var down = NetworkStats(direction: "down", packetsSent: self.receiver.map { Int($0.expected) } ?? self.agentPacketsSent)
        if let r = self.receiver {
            down.packetsReceived = Int(r.received)
            down.lost = Int(max(0, r.lost))
            down.reordered = Int(r.reordered)
            down.duplicated = Int(r.duplicates)
            down.jitterMs = r.jitterMs
        } else {
            down.packetsReceived = 0
        }
        down.late = totals.lateLoss
        down.effectiveLossPct = totals.effectiveLossPercent
        down.concealedMs = totals.concealedMs
        let rDown = EModel.rFactor(oneWayDelayMs: oneWayMs, effectiveLossPct: down.effectiveLossPct ?? 0, codec: codec)
        down.rFactor = rDown
        down.mos = EModel.mos(r: rDown)

        let sent = Int(self.sender.packetCount)
        var up = NetworkStats(direction: "up", packetsSent: sent)
        if let block = self.lastBlockAboutUs {
            let lost = max(0, Int(block.cumulativeLost))
            up.lost = lost
            up.packetsReceived = max(0, sent - lost)
            up.jitterMs = Double(block.jitter) * 1000 / Double(self.audio.format.clockRate)
            up.effectiveLossPct = sent > 0 ? Double(lost) * 100 / Double(sent) : 0
            let rUp = EModel.rFactor(oneWayDelayMs: oneWayMs, effectiveLossPct: up.effectiveLossPct ?? 0, codec: codec)
            up.rFactor = rUp
            up.mos = EModel.mos(r: rUp)
        }
        return [up, down]
    }

    /// The loop's clock: the machine's monotonic clock, or an `EmbeddedEventLoop`'s virtual time in tests.
    private func nowNs() -> Int64 { Int64(self.clock.now.uptimeNanoseconds) }
}

@available(*, unavailable)
extension RTPCallerHandler: Sendable {}

