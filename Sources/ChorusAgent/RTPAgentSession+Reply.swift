import ChorusRTP
import NIOCore

// MARK: - Speaking

extension RTPAgentSession: NIOScheduledCallbackHandler {
    /// Starts the reply to the utterance that ended at `eosNs`: first packet at max(eos + scripted latency, now),
    /// then one every 20 ms on absolute deadlines. Cuts a reply still playing.
    func endOfSpeech(atNs eosNs: Int64) {
        if self.behavior.bargeInStop == .never, self.isReplying {
            self.queuedEndOfSpeech = eosNs
            return
        }
        let latency = self.nextLatencyMs()
        self.cancelReply()
        self.pending = TruthRecord(
            session: self.truthSession, turn: self.turn, eosSource: "vad", eosReceivedNs: eosNs,
            scriptedLatencyMs: latency, firstReplySentNs: 0)
        self.turn += 1
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        self.replyStartNs = max(eosNs + Int64(latency * 1e6), nowNs)
        // The media clock keeps running between replies (RFC 3550: timestamps jump over silence, seq does not).
        let ticks = RTPClock.ticks(
            nanoseconds: self.behavior.mediaNs(realNs: self.replyStartNs - self.originNs), clockRate: self.sender.clockRate)
        self.replyStartTick = max(ticks, self.nextFreeTick)
        self.replyIndex = 0
        self.stopAtNs = nil
        self.schedule()
    }

    /// Whether a reply has started and not yet ended.
    var isReplying: Bool { self.pending.map { $0.firstReplySentNs != 0 } ?? false }

    /// The caller started speaking at `nowNs`: over a reply that is playing, that is a barge-in, which stops it a
    /// scripted time later or never (`agent.bargein_stop`; by default RTP has no barge-in: a new end of speech
    /// replaces the reply).
    func speechStarted(atNs nowNs: Int64) {
        guard self.isReplying, var record = self.pending, record.bargeInDetectedNs == nil else { return }
        record.bargeInDetectedNs = nowNs
        self.pending = record
        guard case .after(let ms) = self.behavior.bargeInStop else { return }
        self.stopAtNs = nowNs + Int64(ms * 1e6)
        if let timer = self.timer, let loop = self.handler?.eventLoop {
            loop.assumeIsolated().cancelScheduledCallback(timer)
        }
        self.timer = nil
        if ms <= 0 {
            self.stopForBargeIn(atNs: nowNs)
        } else {
            self.schedule()
        }
    }

    /// Stops the reply for a barge-in, noting when in the ground truth.
    private func stopForBargeIn(atNs nowNs: Int64) {
        if var record = self.pending {
            record.replyStoppedNs = nowNs
            self.pending = record
        }
        self.stopAtNs = nil
        self.cancelReply()
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.timer = nil
        guard let handler = self.handler else { return }
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        if let stop = self.stopAtNs, nowNs >= stop {
            self.stopForBargeIn(atNs: nowNs)
            return
        }
        // A scripted stop after a barge-in sends nothing due at or after it.
        while self.replyIndex < self.template.frameCount, self.deadline(self.replyIndex) <= nowNs,
            self.deadline(self.replyIndex) < self.stopAtNs ?? .max
        {
            self.sendReplyPacket(self.replyIndex, via: handler)
            self.replyIndex += 1
        }
        if self.replyIndex >= self.template.frameCount {
            if var record = self.pending {
                record.session = self.truthSession
                self.truth.append(record)
            }
            self.pending = nil
            self.stopAtNs = nil
            if let queued = self.queuedEndOfSpeech {
                self.queuedEndOfSpeech = nil
                self.endOfSpeech(atNs: queued)
            }
            return
        }
        self.schedule()
    }

    /// Stops the reply in progress. A reply cut short still happened: its truth is kept if its first packet went out.
    func cancelReply() {
        if let timer = self.timer, let loop = self.handler?.eventLoop {
            loop.assumeIsolated().cancelScheduledCallback(timer)
        }
        self.timer = nil
        if var record = self.pending, record.firstReplySentNs != 0 {
            record.session = self.truthSession
            self.truth.append(record)
            self.handler?.counters.repliesCut += 1
        }
        self.pending = nil
    }

    private func sendReplyPacket(_ index: Int, via handler: RTPAgentHandler) {
        let template = self.template
        let size = template.packetSize(frame: index)
        let increment = Int64(template.timestampIncrement)
        let timestamp =
            self.timestampOrigin &+ UInt32(truncatingIfNeeded: self.replyStartTick + Int64(index) * increment)
        let marker = index == 0
        var buffer = handler.allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            let written = template.write(
                frame: index, sequenceNumber: self.nextSequence, timestamp: timestamp, ssrc: self.ssrc, marker: marker,
                into: out)
            // Answer in the caller's payload type (the Opus template is built with 111).
            if written > 0 { out[1] = (marker ? 0x80 : 0) | self.payloadType }
            return written
        }
        handler.send(buffer, to: self.key.address, isRTCP: false)
        let sentNs = Int64(NIODeadline.now().uptimeNanoseconds)
        self.nextSequence &+= 1
        self.nextFreeTick = self.replyStartTick + Int64(index + 1) * increment
        self.sender.recordSent(
            payloadBytes: template.payload(frame: index).count, rtpTimestamp: timestamp, sentNs: sentNs)
        if marker, var record = self.pending {
            record.firstReplySentNs = sentNs
            self.pending = record
        } else if self.pending?.bargeInDetectedNs != nil {
            self.pending?.sentAfterBargeIn(atNs: sentNs, frameMs: 20)
        }
    }

    /// Frame `index`'s send time: 20 ms apart on the agent's media clock, which `clock_skew_ppm` makes fast or slow.
    private func deadline(_ index: Int) -> Int64 {
        self.replyStartNs + Int64((Double(index) * self.behavior.realFrameNs(nominalNs: 20_000_000)).rounded())
    }

    private func schedule() {
        guard let loop = self.handler?.eventLoop else { return }
        let due = min(self.deadline(self.replyIndex), self.stopAtNs ?? .max)
        let at = NIODeadline.uptimeNanoseconds(UInt64(max(0, due)))
        self.timer = try? loop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }
}

// MARK: - RTCP

extension RTPAgentSession {
    /// The CNAME the agent announces in its SDES.
    static let agentCNAME = "chorus-agent"

    /// The agent's compound RTCP for this session (SR with its counts and a report block on the caller's stream,
    /// then SDES CNAME), and the next report time drawn (RFC 3550 §6.2, ×[0.5, 1.5] of 5 s).
    ///
    /// - Parameters:
    ///   - nowNs: monotonic now, for DLSR and the SR's RTP timestamp.
    ///   - wallNs: the same instant on the wall clock (Unix nanoseconds), for the SR's NTP timestamp.
    func makeReport(nowNs: Int64, wallNs: Int64) -> [UInt8] {
        var blocks: [RTCPReportBlock] = []
        if self.receiver != nil { blocks.append(self.receiver!.makeReportBlock(nowNs: nowNs)) }
        // The media clock runs from the session's origin whether or not a reply is playing.
        let ticks = RTPClock.ticks(
            nanoseconds: self.behavior.mediaNs(realNs: nowNs - self.originNs), clockRate: self.sender.clockRate)
        let report = RTCPSenderReport(
            ssrc: self.ssrc, ntpTimestamp: NTPTimestamp(unixNanoseconds: wallNs),
            rtpTimestamp: self.timestampOrigin &+ UInt32(truncatingIfNeeded: ticks),
            packetCount: self.sender.packetCount, octetCount: self.sender.octetCount, reports: blocks)
        let unit = Double.random(in: 0..<1, using: &self.rtcpRNG)
        self.nextReportNs = nowNs + RTCPTiming.randomizedIntervalNs(unitRandom: unit)
        return RTCPPacket.compound([
            .senderReport(report), .sourceDescription(RTCPSourceDescription(ssrc: self.ssrc, cname: Self.agentCNAME)),
        ])
    }
}
