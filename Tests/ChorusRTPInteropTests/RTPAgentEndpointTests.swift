import ChorusAgent
import ChorusAudio
import ChorusCore
import ChorusRTP
import ChorusTestSupport
import Foundation
import NIOCore
import Testing

extension RTPInteropTests {
    /// The reference agent's RTP endpoint, driven over loopback by a Chorus-built caller stream.
    @Suite("Reference agent over RTP")
    struct AgentEndpoint {
        static let cname = "20261122-043512-ab12-3"
        static let behavior = AgentBehavior(latencyMs: 500, jitterMs: 20, hangoverMs: 200, seed: 7)

        /// Runs `body` with a caller socket against a reference agent serving RTP on a kernel-chosen port, then
        /// closes both.
        private func withAgent(
            _ body: (ReferenceAgent, SocketAddress, UDPPeer) async throws -> Void
        ) async throws {
            let agent = try ReferenceAgent(
                behavior: Self.behavior, replyPath: Fixtures.audio("reply.wav"), truthPath: nil)
            let peer = try await UDPPeer.bind()
            do {
                let port = try await agent.startRTP(host: "127.0.0.1", port: 0)
                try await body(agent, try SocketAddress(ipAddress: "127.0.0.1", port: port), peer)
            } catch {
                await peer.close()
                await agent.stop()
                throw error
            }
            await peer.close()
            await agent.stop()
        }

        /// Utterance then silence (with RFC 6464 V bits, or without any extension so the agent decodes), an SDES
        /// CNAME first: one turn of truth under the CNAME, and the reply's first packet arrives at the caller's
        /// end of speech + the scripted latency, ±10 ms.
        @Test(.timeLimit(.minutes(1)), arguments: InteropCodec.allCases, [true, false])
        func agentAnswersAfterScriptedLatency(_ codec: InteropCodec, withLevels: Bool) async throws {
            try await self.withAgent { agent, address, peer in
                let ssrc = UInt32.random(in: 1...UInt32.max)
                try await peer.send(Self.hello(ssrc: ssrc), to: address)

                let utterance = try codec.utterance()
                let speech = try codec.template(for: utterance, withLevels: withLevels)
                var writer = RTPStreamWriter(ssrc: ssrc)
                let packets =
                    try writer.packets(speech)
                    + writer.packets(codec.silenceTemplate(frames: 75, withLevels: withLevels))
                let sentNs = try await peer.sendPaced(packets, to: address)
                let replied = await peer.wait(timeoutNs: 3_000_000_000) { $0.contains(where: Self.isReply) }
                try #require(replied, "no reply from the agent")
                try await peer.send(Self.goodbye(ssrc: ssrc), to: address)  // cuts the reply: its truth is written

                let truth = try await Self.waitForTruth(agent.truth)
                #expect(truth.session == Self.cname && truth.turn == 0 && truth.eosSource == "vad")
                let first = try #require(peer.received.first(where: Self.isReply))
                let view = try #require(parseRTP(first.bytes))
                #expect(view.header.marker && view.header.payloadType == codec.payloadType)
                #expect(view.audioLevel != nil)

                // Caller's end of speech: sending the last voiced packet (V bit, or the last loud frame).
                let levels = RTPStreamTemplate.levels(of: utterance)
                let lastVoiced = try #require(
                    withLevels
                        ? levels.lastIndex(where: \.voice)
                        : levels.lastIndex(where: { Double(-Int($0.level)) >= Self.behavior.vadThresholdDBFS }))
                let measuredMs = Double(first.arrivalNs - sentNs[lastVoiced]) / 1e6
                if withLevels {
                    #expect(
                        abs(measuredMs - truth.scriptedLatencyMs) <= 10,
                        "measured \(measuredMs) ms, scripted \(truth.scriptedLatencyMs) ms")
                } else {
                    // Decoded RMS may call the edge frame differently from the PCM level: allow a frame either way,
                    // and hold the agent's own end of speech to the 10 ms budget.
                    #expect(abs(measuredMs - truth.scriptedLatencyMs) <= 30, "measured \(measuredMs) ms")
                    let fromAgentEOS = Double(first.arrivalNs - truth.eosReceivedNs) / 1e6
                    #expect(abs(fromAgentEOS - truth.scriptedLatencyMs) <= 10, "from agent eos \(fromAgentEOS) ms")
                }
                let counters = try #require(await agent.rtpEndpoint?.counters())
                #expect(counters.malformed == 0 && counters.turns == 1 && counters.sessionsEndedByBye == 1)
                #expect(counters.rtpReceived == packets.count)
            }
        }

        /// The agent's RTCP: an SR with a report block on the caller's stream (no loss, LSR = the caller's SR, so
        /// the caller gets an RTT) and SDES, within the first randomized interval.
        @Test(.timeLimit(.minutes(1)))
        func agentReportsOnCallerStream() async throws {
            try await self.withAgent { agent, address, peer in
                let ssrc = UInt32.random(in: 1...UInt32.max)
                let ntp = NTPTimestamp(unixNanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
                let sr = RTCPSenderReport(ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: 0, packetCount: 0, octetCount: 0)
                try await peer.send(
                    RTCPPacket.compound([.senderReport(sr), .sourceDescription(.init(ssrc: ssrc, cname: Self.cname))]),
                    to: address)
                var writer = RTPStreamWriter(ssrc: ssrc)
                _ = try await peer.sendPaced(
                    writer.packets(InteropCodec.opus.silenceTemplate(frames: 200)), to: address)
                let reported = await peer.wait(timeoutNs: 3_000_000_000) { $0.contains { isRTCP($0.bytes) } }
                try #require(reported, "no RTCP from the agent")

                let datagram = try #require(peer.received.first { isRTCP($0.bytes) })
                let packets = try #require(parseRTCP(datagram.bytes))
                guard case .senderReport(let report) = packets.first else {
                    Issue.record("the agent's compound does not start with an SR: \(packets)")
                    return
                }
                let block = try #require(report.reports.first)
                #expect(block.ssrc == ssrc && block.cumulativeLost == 0 && block.lastSenderReport == ntp.compact)
                #expect(block.delaySinceLastSenderReport > 0)
                #expect(packets.contains { if case .sourceDescription = $0 { true } else { false } })
                #expect(await agent.rtpEndpoint?.sessionCount() == 1)
            }
        }

        /// Truncated, wrong-version and overrunning datagrams are counted, and the endpoint keeps serving.
        @Test(.timeLimit(.minutes(1)))
        func malformedDatagramsAreCountedNotFatal() async throws {
            try await self.withAgent { agent, address, peer in
                let badRTP: [[UInt8]] = [
                    [0x80], [0x80, 0x6F, 0, 1, 0, 0, 0, 0, 0, 0, 0],  // shorter than the fixed header
                    [0x40, 0x6F, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],  // version 1
                    [0x8F, 0x6F, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],  // 15 CSRCs announced, none present
                    [0x90, 0x6F, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 9],  // extension overruns
                    [0xA0, 0x6F, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF],  // padding count too large
                ]
                let badRTCP: [[UInt8]] = [
                    [0x80, 200, 0, 6, 0, 0, 0, 1],  // SR whose length runs past the datagram
                    [0x81, 201, 0, 1, 0, 0, 0, 1],  // RR announcing a report block it does not hold
                    [0x81, 202, 0, 1, 0, 0, 0, 1],  // SDES chunk without its terminator
                ]
                for bytes in badRTP + badRTCP { try await peer.send(bytes, to: address) }
                var writer = RTPStreamWriter(ssrc: 42)
                let good = try writer.packets(InteropCodec.pcmu.silenceTemplate(frames: 1))
                try await peer.send(good[0], to: address)

                let endpoint = try #require(agent.rtpEndpoint)
                var counters = await endpoint.counters()
                for _ in 0..<100 where counters.rtpReceived < 1 {
                    try await Task.sleep(for: .milliseconds(10))
                    counters = await endpoint.counters()
                }
                #expect(counters.malformedRTP == badRTP.count && counters.malformedRTCP == badRTCP.count)
                #expect(counters.rtpReceived == 1 && counters.sessionsOpened == 1)
            }
        }

        // MARK: - Helpers

        /// The caller's first compound RTCP: an empty RR and SDES with the session id as CNAME.
        static func hello(ssrc: UInt32) -> [UInt8] {
            RTCPPacket.compound([
                .receiverReport(RTCPReceiverReport(ssrc: ssrc)),
                .sourceDescription(RTCPSourceDescription(ssrc: ssrc, cname: Self.cname)),
            ])
        }

        static func goodbye(ssrc: UInt32) -> [UInt8] {
            RTCPPacket.compound([.receiverReport(RTCPReceiverReport(ssrc: ssrc)), .bye(RTCPBye(ssrcs: [ssrc]))])
        }

        @Sendable static func isReply(_ datagram: ReceivedDatagram) -> Bool {
            !isRTCP(datagram.bytes) && parseRTP(datagram.bytes) != nil
        }

        /// The single truth record, once written (polls up to 2 s).
        static func waitForTruth(_ log: TruthLog) async throws -> TruthRecord {
            for _ in 0..<200 where log.records.isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(log.records.count == 1, "truth: \(log.records)")
            return try #require(log.records.first)
        }
    }
}
