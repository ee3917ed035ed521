import ChorusAudio
import ChorusCore
import ChorusRTP
import NIOCore

/// One caller on the agent's RTP endpoint, keyed by (source address, SSRC): hears its stream, finds the end of each
/// utterance, answers with the reply clip after the scripted latency, and reports on the caller's stream in RTCP.
///
/// Confined to the endpoint's event loop; the handler owns it and cancels its timer before dropping it.
final class RTPAgentSession {
    let key: RTPSourceKey
    let behavior: AgentBehavior
    let clips: RTPReplyClips
    let truth: TruthLog
    weak var handler: RTPAgentHandler?

    /// The caller's CNAME from RTCP SDES: the session id in the ground truth.
    var cname: String?
    /// Last time anything (RTP or RTCP) arrived from the caller.
    var lastHeardNs: Int64
    /// When this session's next RTCP report is due.
    var nextReportNs: Int64

    // Listening.
    var receiver: RTPReceiverStats?
    var pendingSenderReport: (ntp: NTPTimestamp, arrivalNs: Int64)?
    var detector: RTPVoiceDetector
    var decoder: OpusDecoder?
    var rng: SplitMix64
    var rtcpRNG: SplitMix64
    var turn = 0

    // Speaking: one reply at a time; a new end of speech replaces it.
    let ssrc: UInt32
    var payloadType: UInt8 = OpusRTP.defaultPayloadType
    var template: RTPStreamTemplate
    var sender: RTPSenderStats
    var nextSequence: UInt16
    /// RTP timestamp of the session's media-clock origin (`originNs`), random as RFC 3550 asks.
    let timestampOrigin: UInt32
    let originNs: Int64
    /// Media-clock ticks from the origin at which the next reply may start (keeps timestamps increasing).
    var nextFreeTick: Int64 = 0
    var replyStartNs: Int64 = 0
    var replyStartTick: Int64 = 0
    var replyIndex = 0
    var pending: TruthRecord?
    var timer: NIOScheduledCallback?
    /// A barge-in was heard: the reply stops at this instant (`agent.bargein_stop`).
    var stopAtNs: Int64?
    /// An end of speech heard while a reply that ignores interruptions was playing: answered once it ends.
    var queuedEndOfSpeech: Int64?

    init(key: RTPSourceKey, behavior: AgentBehavior, clips: RTPReplyClips, truth: TruthLog, seed: UInt64, nowNs: Int64)
    {
        self.key = key
        self.behavior = behavior
        self.clips = clips
        self.truth = truth
        self.lastHeardNs = nowNs
        self.detector = RTPVoiceDetector(hangoverMs: behavior.hangoverMs)
        self.rng = SplitMix64(seed: seed)
        var system = SystemRandomNumberGenerator()
        self.rtcpRNG = SplitMix64(seed: system.next())
        self.ssrc = UInt32.random(in: 1...UInt32.max, using: &system)
        self.nextSequence = UInt16.random(in: 0...UInt16.max, using: &system)
        self.timestampOrigin = UInt32.random(in: 0...UInt32.max, using: &system)
        self.originNs = nowNs
        self.template = clips.opus
        self.sender = RTPSenderStats(ssrc: self.ssrc, clockRate: OpusRTP.clockRate)
        // RFC 3550 §6.2: the first interval is half the usual one.
        self.nextReportNs =
            nowNs + RTCPTiming.randomizedIntervalNs(unitRandom: Double.random(in: 0..<1, using: &self.rtcpRNG)) / 2
    }

    /// The session id for the ground truth: the caller's CNAME, or `ssrc-<hex>` when it sent none.
    var truthSession: String {
        if let cname = self.cname, !cname.isEmpty { return cname }
        let hex = String(self.key.ssrc, radix: 16)
        return "ssrc-" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    // MARK: - Listening

    /// Takes one parsed RTP packet from the caller; `packet` is the datagram `view` was parsed from.
    func hear(_ view: RTPPacketView, in packet: UnsafeRawBufferPointer, atNs nowNs: Int64) {
        self.lastHeardNs = nowNs
        if self.receiver == nil { self.beginReceiving(view.header.payloadType) }
        let arrival = self.receiver!.record(
            seq: view.header.sequenceNumber, rtpTimestamp: view.header.timestamp, arrivalNs: nowNs)
        switch arrival {
        case .duplicate:
            self.handler?.counters.duplicates += 1
            return
        case .discarded:
            return
        case .inOrder, .reordered:
            break
        }
        let voiced = self.isVoiced(view, in: packet)
        let wasInSpeech = self.detector.inSpeech
        let eos = self.detector.hear(voiced: voiced, sequence: view.header.sequenceNumber, atNs: nowNs)
        if !wasInSpeech, self.detector.inSpeech { self.speechStarted(atNs: nowNs) }
        if let eosNs = eos {
            self.handler?.counters.turns += 1
            self.endOfSpeech(atNs: eosNs)
        }
    }

    /// The first RTP packet fixes the stream's format: reply payload type, clocks, receiver statistics.
    private func beginReceiving(_ payloadType: UInt8) {
        let clockRate = RTPReplyClips.clockRate(forPayloadType: payloadType)
        var receiver = RTPReceiverStats(ssrc: self.key.ssrc, clockRate: clockRate)
        if let sr = self.pendingSenderReport {
            receiver.recordSenderReport(ntpTimestamp: sr.ntp, arrivalNs: sr.arrivalNs)
            self.pendingSenderReport = nil
        }
        self.receiver = receiver
        self.payloadType = payloadType
        self.template = self.clips.template(forPayloadType: payloadType)
        self.sender = RTPSenderStats(ssrc: self.ssrc, clockRate: clockRate)
    }

    /// RFC 6464 V bit when the packet carries the level; otherwise the decoded RMS against the VAD threshold.
    private func isVoiced(_ view: RTPPacketView, in packet: UnsafeRawBufferPointer) -> Bool {
        if let level = view.audioLevel { return level.voice }
        let payload = view.payload(in: packet)
        guard !payload.isEmpty else { return false }
        if view.header.payloadType == PCMURTP.payloadType {
            return AudioLevel.rmsDBFS(muLaw: payload) >= self.behavior.vadThresholdDBFS
        }
        do {
            if self.decoder == nil { self.decoder = try OpusDecoder(sampleRate: 16000) }
            // 120 ms at 16 kHz: the longest Opus packet.
            let pcm = try self.decoder!.decode([UInt8](payload), frameSamples: 1920)
            return AudioLevel.rmsDBFS(pcm) >= self.behavior.vadThresholdDBFS
        } catch {
            self.handler?.counters.undecodablePayloads += 1
            return false
        }
    }

    /// Records an SR from the caller, for LSR/DLSR in the agent's next report block.
    func heardSenderReport(_ ntp: NTPTimestamp, atNs nowNs: Int64) {
        self.lastHeardNs = nowNs
        if self.receiver != nil {
            self.receiver!.recordSenderReport(ntpTimestamp: ntp, arrivalNs: nowNs)
        } else {
            self.pendingSenderReport = (ntp, nowNs)
        }
    }

    /// The scripted latency for the next turn, as the WebSocket agent computes it.
    func nextLatencyMs() -> Double {
        var latency = self.behavior.latencyMs + self.behavior.driftMs(turn: self.turn)
        if self.behavior.jitterMs > 0 { latency += self.behavior.jitterMs * self.normal() }
        return max(0, latency)
    }

    /// A standard normal deviate (Box–Muller) from the seeded generator.
    private func normal() -> Double {
        let u1 = max(Double.leastNonzeroMagnitude, Double.random(in: 0..<1, using: &self.rng))
        let u2 = Double.random(in: 0..<1, using: &self.rng)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

@available(*, unavailable)
extension RTPAgentSession: Sendable {}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
