import ChorusAudio
import ChorusCore
import ChorusNetwork
import ChorusRTP
import ChorusWebRTC
import ChorusSockets
import ChorusWebRTCNIO
import NIOCore

/// A call's audio over RTP/UDP: its own port and SSRC, a packet every 20 ms from shared pre-encoded templates,
/// RTCP (rtcp-mux) every ~5 s and at hang-up, and a receiver with RFC 3550 statistics and a playout model for the
/// agent's audio.
///
/// Confined to its channel's event loop; per packet one template copy into one of the loop's reused buffers
/// (`DatagramScratch`) and one write: a `send(2)` of its own on a connected socket (`DirectDatagramSocket`),
/// otherwise through the pipeline.
final class RTPMedia: CallMedia {
    typealias Inbound = AddressedEnvelope<ByteBuffer>

    private let audio: SharedRTPAudio
    /// Where an unconnected socket sends; nil when the socket is connected to the agent (symmetric RTP).
    private let remote: SocketAddress?
    /// WebRTC's security layer below, when there is one: RTP packets are sealed in `scratch` and written from its
    /// place in the pipeline (no second copy, no pipeline hop through it per packet).
    private let secure: WebRTCSecureHandler?
    /// `secure` and its RTP cipher, to prefetch before each tick's packets (`prefetchForSending`).
    private let secureObject: Unmanaged<WebRTCSecureHandler>?
    private var secureCipher: SRTPMediaCipher?
    private var rng: SplitMix64
    private let ssrc: UInt32
    private var sequence: UInt16
    private var timestamp: UInt32
    private var sender: RTPSenderStats
    /// The loop's send buffers, shared with its other calls.
    private let scratch: DatagramScratch
    /// The connected socket packets are sent on directly, bypassing NIO's write path; nil when they go through the
    /// pipeline (an impaired link, WebRTC's security layer, an unconnected socket, or once the socket was busy).
    private var direct: DirectDatagramSocket?
    private var nextRTCPNs: Int64 = 0
    private var lastWasSilence = true

    // Receiving.
    private var receiver: RTPReceiverStats?
    private var playout: PlayoutBuffer
    private var decoder: OpusDecoder?
    /// Where the audibility check decodes the agent's Opus packets.
    private var decoded: [Int16] = []
    private var malformed = 0
    private var agentPacketsSent: Int?
    private var lastBlockAboutUs: RTCPReportBlock?
    private var rttNs: Int64?
    private var talkspurts: TalkspurtTracker
    /// The agent's media clock against ours, from RTP timestamps against arrival (fixed memory, no allocation).
    private var skew = ClockSkewEstimator()
    /// The last RTP timestamp seen and its count of ticks since the first one (unwrapped).
    private var lastTimestamp: UInt32?
    private var extendedTicks: Int64 = 0

    var frameNs: Int64 { self.audio.frameNs }
    let clipShapes: [CallFlow.ClipShape]
    // ICMP port unreachable and the like surface as errors; the response timeout decides the turn's outcome.
    var failsOnChannelError: Bool { false }
    var closedReason: String { "socket closed" }

    init(
        plan: SessionPlan, audio: SharedRTPAudio, remote: SocketAddress?, secure: WebRTCSecureHandler? = nil,
        direct: DirectDatagramSocket? = nil, scratch: DatagramScratch
    ) {
        self.clipShapes = audio.clips.map {
            CallFlow.ClipShape(
                name: $0.name, frameCount: $0.template.frameCount, lastSpeechFrame: $0.lastSpeechFrame,
                firstSpeechFrame: $0.firstSpeechFrame)
        }
        self.audio = audio
        self.remote = remote
        self.secure = secure
        self.secureObject = secure.map { Unmanaged.passUnretained($0) }
        var rng = SplitMix64(seed: plan.seed)
        self.ssrc = UInt32(truncatingIfNeeded: rng.next())
        self.sequence = UInt16(truncatingIfNeeded: rng.next())
        self.timestamp = UInt32(truncatingIfNeeded: rng.next())
        self.rng = rng
        self.sender = RTPSenderStats(ssrc: self.ssrc, clockRate: audio.format.clockRate)
        self.playout = PlayoutBuffer(configuration: PlayoutConfiguration(format: audio.format))
        self.talkspurts = TalkspurtTracker(timestampIncrement: audio.silence.timestampIncrement)
        self.scratch = scratch
        self.direct = direct
    }

    /// The SSRC a call whose plan has `seed` sends from (its generator's first number), for signalling to announce.
    static func ssrc(seed: UInt64) -> UInt32 {
        var rng = SplitMix64(seed: seed)
        return UInt32(truncatingIfNeeded: rng.next())
    }

    // MARK: - Opening and closing

    func open(_ call: CallEngine<RTPMedia>) -> CallOpening {
        let now = call.nowNs()
        // The session id travels as the RTCP CNAME, so the agent's ground truth can be joined with ours.
        self.sendRTCP(nowNs: now, bye: false, call)
        self.nextRTCPNs = now + 5_000_000_000
        return .stream
    }

    func hangUp(_ call: CallEngine<RTPMedia>) -> TimeAmount {
        self.sendRTCP(nowNs: call.nowNs(), bye: true, call)
        // The agent answers BYE with a last receiver report (the call closes on its arrival); wait briefly for it.
        return .milliseconds(300)
    }

    // MARK: - Receiving

    func receive(_ envelope: AddressedEnvelope<ByteBuffer>, arrivalNs nowNs: Int64, downDelayNs: Int64, _ call: CallEngine<RTPMedia>) {
        call.stats.framesReceived &+= 1
        envelope.data.withUnsafeReadableBytes { bytes in
            if RTCPPacket.isRTCP(bytes) {
                self.receiveRTCP(bytes, nowNs: nowNs, call)
            } else {
                self.receiveRTP(bytes, nowNs: nowNs, downDelayNs: downDelayNs, call)
            }
        }
    }

    private func receiveRTP(_ bytes: UnsafeRawBufferPointer, nowNs: Int64, downDelayNs: Int64, _ call: CallEngine<RTPMedia>) {
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
        self.recordMediaClock(h.timestamp, arrivalNs: nowNs)
        var audible = false
        if call.flow.wantsLevel {
            audible = self.isAudible(view, bytes, threshold: call.flow.plan.audibleThresholdDBFS)
        }
        // Each talkspurt is one response: a reply's tail that arrives late is never the next reply's first audio.
        let placed = self.talkspurts.place(sequence: h.sequenceNumber, timestamp: h.timestamp, marker: h.marker)
        call.flow.audio(
            atNs: nowNs, durationNs: self.audio.frameNs, audible: audible, response: placed.ordinal,
            downDelayNs: downDelayNs, isResponseStart: placed.isStart)
    }

    /// Feeds the skew estimator: the timestamp unwrapped (a signed step from the last one) and turned into ns.
    private func recordMediaClock(_ timestamp: UInt32, arrivalNs: Int64) {
        if let last = self.lastTimestamp {
            self.extendedTicks += Int64(Int32(bitPattern: timestamp &- last))
        }
        self.lastTimestamp = timestamp
        let mediaNs = self.extendedTicks * 1_000_000_000 / Int64(self.audio.format.clockRate)
        self.skew.record(arrivalNs: arrivalNs, mediaNs: mediaNs)
    }

    func clockDriftPpm(_ call: CallEngine<RTPMedia>) -> Double? { self.skew.ppm() }

    private func isAudible(_ view: RTPPacketView, _ bytes: UnsafeRawBufferPointer, threshold: Double) -> Bool {
        if let level = view.audioLevel {
            // RFC 6464 carries −dBov: 0 is loudest, 127 silence.
            return -Double(level.level) >= threshold
        }
        let payload = view.payload(in: bytes)
        if self.audio.format.payloadType == 0 || self.audio.format.encodingName == "PCMU" {
            return AudioLevel.rmsDBFS(muLaw: payload) >= threshold
        }
        if self.decoder == nil {
            self.decoder = try? OpusDecoder(sampleRate: 48000)
            self.decoded = [Int16](repeating: 0, count: 5760)  // 120 ms at 48 kHz, Opus's longest packet
        }
        guard let decoder = self.decoder else { return false }
        // Decoded into one reused buffer: no copy of the payload, no array per packet.
        let level = self.decoded.withUnsafeMutableBufferPointer { pcm -> Double? in
            guard let samples = try? decoder.decode(payload, into: pcm), samples > 0 else { return nil }
            return AudioLevel.rmsDBFS(UnsafeBufferPointer(rebasing: pcm[..<samples]))
        }
        return (level ?? -.infinity) >= threshold
    }

    private func receiveRTCP(_ bytes: UnsafeRawBufferPointer, nowNs: Int64, _ call: CallEngine<RTPMedia>) {
        guard case .success(let packets) = RTCPPacket.parseCompound(bytes) else {
            self.malformed += 1
            return
        }
        for packet in packets {
            switch packet {
            case .senderReport(let sr):
                self.agentPacketsSent = Int(sr.packetCount)
                self.receiver?.recordSenderReport(ntpTimestamp: sr.ntpTimestamp, arrivalNs: nowNs)
                self.noteBlocks(sr.reports, nowNs: nowNs, call)
            case .receiverReport(let rr):
                self.noteBlocks(rr.reports, nowNs: nowNs, call)
            default:
                break
            }
        }
    }

    private func noteBlocks(_ blocks: [RTCPReportBlock], nowNs: Int64, _ call: CallEngine<RTPMedia>) {
        guard let block = blocks.first(where: { $0.ssrc == self.ssrc }) else { return }
        self.lastBlockAboutUs = block
        if let rtt = block.roundTripTimeNs(arrival: NTPTimestamp(unixNanoseconds: MonotonicClock.wallNs())), rtt >= 0 {
            self.rttNs = rtt
        }
        if call.hungUp { call.close() }
    }

    // MARK: - Sending

    func sendClipFrame(clip: Int, frame: Int, deadlineNs: Int64, _ call: CallEngine<RTPMedia>) {
        self.send(self.audio.clips[clip].template, frame: frame, nowNs: deadlineNs, call)
    }

    func sendSilence(deadlineNs: Int64, _ call: CallEngine<RTPMedia>) {
        self.send(self.audio.silence, frame: 0, nowNs: deadlineNs, call)
    }

    func tick(nowNs: Int64, _ call: CallEngine<RTPMedia>) -> Bool {
        self.playout.advance(toNs: nowNs)
        guard nowNs >= self.nextRTCPNs else { return false }
        self.sendRTCP(nowNs: nowNs, bye: false, call)
        // RFC 3550 randomises the interval to 0.5–1.5 × 5 s so reports do not synchronise.
        self.nextRTCPNs = nowNs + RTCPTiming.randomizedIntervalNs(unitRandom: Double.random(in: 0..<1, using: &self.rng))
        return false
    }

    func prefetchForSending() {
        guard let object = self.secureObject else { return }
        WebRTCSecureHandler.prefetch(object)
        if let cipher = self.secureCipher {
            cipher.prefetchOutbound()
        } else {
            self.secureCipher = self.secure?.mediaCipher
        }
    }

    /// Writes one packet from a shared template into the next reused scratch buffer.
    private func send(_ template: RTPStreamTemplate, frame: Int, nowNs: Int64, _ call: CallEngine<RTPMedia>) {
        // Only checked here: the context object (a call's own, last touched a period ago) is loaded only for writes
        // through the pipeline.
        guard call.context != nil else { return }
        let isSilence = template.frameCount == 1 && frame == 0 && template.audioLevels.first?.voice == false
        let marker = self.lastWasSilence && !isSilence
        self.lastWasSilence = isSilence
        let size = template.packetSize(frame: frame)
        let seq = self.sequence
        let ts = self.timestamp
        let ssrc = self.ssrc
        let secure = self.secure
        let packet = self.scratch.fill { scratch in
            scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: size + SRTPSession.maxTrailer) { buffer in
                template.write(frame: frame, sequenceNumber: seq, timestamp: ts, ssrc: ssrc, marker: marker, into: buffer)
                return secure.map { $0.sealRTP(buffer, length: size) } ?? size
            }
        }
        self.sender.recordSent(payloadBytes: size - RTPHeader.fixedSize, rtpTimestamp: ts, sentNs: nowNs)
        self.sequence &+= 1
        self.timestamp &+= template.timestampIncrement
        if let secure {
            if packet.readableBytes > 0 { secure.writeSealed(packet) }
        } else if let direct = self.direct {
            // Set only while the channel is open (`channelClosed`), so the descriptor is still this call's.
            if direct.send(packet) == .busy {
                // NIO queues it until the socket drains; the rest of the call follows it there, in order.
                self.direct = nil
                call.context?.write(self.outbound(packet), promise: nil)
            }
        } else {
            call.context?.write(self.outbound(packet), promise: nil)
        }
    }

    /// Whether packets are sent on the connected socket directly (for tests).
    var sendsDirectly: Bool { self.direct != nil }

    func channelClosed(_ call: CallEngine<RTPMedia>) {
        // NIO has closed the descriptor; its number may already belong to another socket.
        self.direct = nil
    }

    func flush(_ call: CallEngine<RTPMedia>) {
        if let secure = self.secure {
            secure.flushSealed()
        } else if self.direct == nil {
            call.context?.flush()
        }
    }

    /// A datagram as the channel takes it: bare on a connected socket (no envelope to box), addressed otherwise.
    private func outbound(_ packet: ByteBuffer) -> NIOAny {
        guard let remote = self.remote else { return NIOAny(packet) }
        return NIOAny(AddressedEnvelope(remoteAddress: remote, data: packet))
    }

    private func sendRTCP(nowNs: Int64, bye: Bool, _ call: CallEngine<RTPMedia>) {
        guard let context = call.context else { return }
        var reports: [RTCPReportBlock] = []
        if var receiver = self.receiver {
            reports.append(receiver.makeReportBlock(nowNs: nowNs))
            self.receiver = receiver
        }
        var packets: [RTCPPacket] = [
            .senderReport(
                self.sender.makeSenderReport(
                    ntpTimestamp: NTPTimestamp(unixNanoseconds: MonotonicClock.wallNs()), nowNs: nowNs, reports: reports)),
            .sourceDescription(RTCPSourceDescription(ssrc: self.ssrc, cname: call.flow.plan.sessionId)),
        ]
        if bye { packets.append(.bye(RTCPBye(ssrcs: [self.ssrc], reason: "hang-up"))) }
        let bytes = RTCPPacket.compound(packets)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(self.outbound(buffer), promise: nil)
    }

    // MARK: - Turns and statistics

    /// Completes the newly finished turn with what the playout model heard: playout delay and stalls.
    func turnsFinished(_ call: CallEngine<RTPMedia>) {
        let heard = self.playout.finishTurn()
        call.flow.amendLastTurn { turn in
            turn.stallCount = heard.stalls
            turn.stallMs = heard.stallMs
            if let audible = turn.ttfaAudibleMs { turn.voiceToVoiceMs = audible + heard.playoutDelayMs }
        }
    }

    func networkStats(_ call: CallEngine<RTPMedia>) -> [NetworkStats] {
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
}

@available(*, unavailable)
extension RTPMedia: Sendable {}

extension CallEngine where Media == RTPMedia {
    /// An RTP caller sending `audio` to `remote` (nil on a socket connected to the agent), through WebRTC's
    /// `secure` layer when given (a handler below it in the same pipeline), or straight on the connected socket
    /// `direct` when given (nothing may sit between the engine and that socket).
    static func rtp(
        plan: SessionPlan, audio: SharedRTPAudio, remote: SocketAddress?, secure: WebRTCSecureHandler? = nil,
        stats: LoopStats, tap: LinkTap? = nil, direct: DirectDatagramSocket? = nil,
        promise: EventLoopPromise<CallerReport>
    ) -> CallEngine<RTPMedia> {
        CallEngine(
            plan: plan,
            media: RTPMedia(
                plan: plan, audio: audio, remote: remote, secure: secure, direct: direct, scratch: stats.datagrams),
            stats: stats, tap: tap, promise: promise)
    }
}

extension CallEngine: WebRTCMediaReceiver where Media == RTPMedia {
    /// Media WebRTC's security layer decrypted, handed over without a pass through the pipeline.
    func receiveDecrypted(_ packet: AddressedEnvelope<ByteBuffer>, arrivalNs: Int64) {
        self.receive(packet, arrivalNs: arrivalNs)
    }
}
