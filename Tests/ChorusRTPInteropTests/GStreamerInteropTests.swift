import ChorusAudio
import ChorusRTP
import ChorusTestSupport
import NIOCore
import Testing

extension InteropCodec {
    /// The receive half of a GStreamer pipeline: RTP caps, depayloader and decoder.
    var gstReceive: [String] {
        switch self {
        case .opus:
            [
                "caps=application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111",
                "!", "rtpjitterbuffer", "!", "rtpopusdepay", "!", "opusdec",
            ]
        case .pcmu:
            [
                "caps=application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0",
                "!", "rtpjitterbuffer", "!", "rtppcmudepay", "!", "mulawdec",
            ]
        }
    }

    /// The send half: a 2 s test tone (100 × 20 ms buffers), encoded and payloaded.
    var gstSend: [String] {
        switch self {
        case .opus:
            [
                "audiotestsrc", "is-live=true", "num-buffers=100", "samplesperbuffer=960", "!",
                "audio/x-raw,rate=48000,channels=1", "!", "opusenc", "frame-size=20", "!", "rtpopuspay", "pt=111",
            ]
        case .pcmu:
            [
                "audiotestsrc", "is-live=true", "num-buffers=100", "samplesperbuffer=160", "!",
                "audio/x-raw,rate=8000,channels=1", "!", "mulawenc", "!", "rtppcmupay",
            ]
        }
    }
}

extension RTPInteropTests {
    @Suite("GStreamer interop", .enabled(if: GStreamer.isAvailable, GStreamer.missing))
    struct GStreamerInterop {
        /// Chorus's packets, paced every 20 ms, decode in GStreamer to the same length and level as the clip.
        @Test(.timeLimit(.minutes(1)), arguments: InteropCodec.allCases)
        func chorusStreamPlaysInGStreamer(_ codec: InteropCodec) async throws {
            let utterance = try codec.utterance()
            let template = try codec.template(for: utterance)
            let port = try await UDPPeer.freePort()
            let wav = Fixtures.temporaryPath("gst-\(codec.rawValue).wav")
            let log = wav + ".log"
            let pipeline =
                ["-e", "udpsrc", "address=127.0.0.1", "port=\(port)"] + codec.gstReceive
                + [
                    "!", "audioconvert", "!", "audioresample", "!",
                    "audio/x-raw,format=S16LE,rate=\(codec.sampleRate),channels=1", "!", "wavenc", "!",
                    "filesink", "location=\(wav)",
                ]
            let gst = try GStreamer.launch(pipeline, log: log)
            let bound = await GStreamer.waitUntilBound(udpPort: port)
            try #require(bound, "gst-launch did not bind udp port \(port): \(GStreamer.logText(log))")
            try await Task.sleep(for: .milliseconds(300))  // from bound to PLAYING

            let peer = try await UDPPeer.bind()
            var writer = RTPStreamWriter(ssrc: 0x4348_4F52)
            _ = try await peer.sendPaced(
                writer.packets(template), to: SocketAddress(ipAddress: "127.0.0.1", port: port))
            await peer.close()
            try await Task.sleep(for: .milliseconds(500))  // the jitter buffer's 200 ms latency, and then some
            let exited = await GStreamer.interrupt(gst)
            try #require(exited, "gst-launch did not stop on SIGINT: \(GStreamer.logText(log))")

            let decoded = try Utterance.load(path: wav, sampleRate: codec.sampleRate)
            let sentMs = utterance.durationMs
            #expect(abs(decoded.durationMs - sentMs) <= 60, "decoded \(decoded.durationMs) ms, sent \(sentMs) ms")
            let levelDelta = rmsDBFS(decoded.samples) - rmsDBFS(utterance.samples)
            #expect(abs(levelDelta) <= 3, "level differs by \(levelDelta) dB")
        }

        /// GStreamer's packets parse with Chorus's parser, count with no loss, and decode to 2.0 s of audio.
        @Test(.timeLimit(.minutes(1)), arguments: InteropCodec.allCases)
        func gstreamerStreamDecodesInChorus(_ codec: InteropCodec) async throws {
            let peer = try await UDPPeer.bind()
            let log = Fixtures.temporaryPath("gst-send-\(codec.rawValue).log")
            let gst = try GStreamer.launch(
                codec.gstSend + ["!", "udpsink", "host=127.0.0.1", "port=\(peer.port)"], log: log)
            let exited = await gst.waitForExit(timeoutNs: 30_000_000_000)
            try #require(exited && gst.exitStatus == 0, "gst-launch failed: \(GStreamer.logText(log))")
            try await Task.sleep(for: .milliseconds(200))
            let datagrams = peer.received
            await peer.close()

            let packets = datagrams.compactMap { parseRTP($0.bytes) }
            try #require(packets.count == datagrams.count, "\(datagrams.count - packets.count) datagrams did not parse")
            let first = try #require(packets.first, "no packets: \(GStreamer.logText(log))")
            var stats = RTPReceiverStats(ssrc: first.header.ssrc, clockRate: codec.clockRate)
            for (packet, datagram) in zip(packets, datagrams) {
                stats.record(
                    seq: packet.header.sequenceNumber, rtpTimestamp: packet.header.timestamp,
                    arrivalNs: datagram.arrivalNs)
            }
            #expect(
                packets.allSatisfy { $0.header.payloadType == codec.payloadType && $0.header.ssrc == first.header.ssrc }
            )
            #expect(stats.lost == 0 && stats.duplicates == 0 && stats.expected == Int64(packets.count))

            let decodedSamples = try Self.decodedSampleCount(codec, packets: packets, datagrams: datagrams)
            let decodedMs = Double(decodedSamples) * 1000 / 48000
            switch codec {
            case .pcmu:
                #expect(packets.count == 100)
                #expect(decodedMs == 2000)
            case .opus:
                // opusenc flushes its 6.5 ms lookahead at EOS as a 101st packet (the first packet's timestamp is
                // 312 ticks before the second's − 960), so 2.0 s of input decodes to 2.0–2.02 s.
                #expect((100...101).contains(packets.count))
                #expect(decodedMs >= 2000 && decodedMs <= 2020, "decoded \(decodedMs) ms")
            }
        }

        /// Decodes every payload (Opus to 48 kHz, PCMU upsampled by count ×6) and returns samples at 48 kHz.
        private static func decodedSampleCount(
            _ codec: InteropCodec, packets: [RTPPacketView], datagrams: [ReceivedDatagram]
        ) throws -> Int {
            let decoder = try OpusDecoder(sampleRate: 48000)
            var total = 0
            for (packet, datagram) in zip(packets, datagrams) {
                let payload = Array(datagram.bytes[packet.payloadRange])
                switch codec {
                case .opus: total += try decoder.decode(payload, frameSamples: 5760).count
                case .pcmu: total += G711.muLawDecode(payload).count * 6
                }
            }
            return total
        }
    }
}
