import NIOCore
import NIOWebSocket
import Testing

@testable import ChorusAgent
@testable import ChorusDialects

extension AgentLoopbackTests {
    @Suite struct Pipecat {
        /// 20 ms `AudioRawFrame`s at 16 kHz mono, as the Pipecat web client sends them.
        static func audio(_ frames: [[Int16]]) -> [WebSocketFrame] {
            frames.map {
                TestWebSocketClient.binary(
                    PipecatCodec.encodeAudio(pcm: Signal.pcm16LE($0), sampleRate: 16000, channels: 1))
            }
        }

        /// What a received frame is, for comparing sequences: the RTVI type, `audio`, or `interruption`.
        static func kind(_ received: TestWebSocketClient.Received) throws -> String {
            let frame = try PipecatCodec.decode(received.data).get()
            switch frame {
            case .audio: return "audio"
            case .interruption: return "interruption"
            default: return frame.rtviType ?? "other"
            }
        }

        static func collapsed(_ kinds: [String]) -> [String] {
            collapsingRuns(of: "audio", as: "audio", in: kinds)
        }

        @Test func turnWithRTVIAnd40msAudioAt24kHz() async throws {
            try await withAgent { agent, port in
                let client = try await TestWebSocketClient.connect(
                    port: port, path: "/pipecat", headers: [("X-Chorus-Session", "pc-1")]
                ).client()
                client.send(binary: PipecatCodec.encodeMessage(json: PipecatCodec.clientReady(id: "c1")))
                let ready = try #require(try PipecatCodec.decode(try await client.next().data).get().rtviMessage)
                #expect(ready["type"] == "bot-ready")
                #expect(ready["id"] == "c1")

                client.stream(Self.audio(Signal.utterance(sampleRate: 16000, silenceFrames: 160)))
                let frames = try await client.collect(until: { try Self.kind($0) == "bot-stopped-speaking" })
                let kinds = try frames.map { try Self.kind($0) }
                #expect(
                    Self.collapsed(kinds) == [
                        "user-started-speaking", "user-stopped-speaking", "audio×1", "bot-started-speaking", "audio×49",
                        "bot-stopped-speaking",
                    ])
                let audio = try frames.compactMap { received -> PipecatAudio? in
                    guard case .audio(let a) = try PipecatCodec.decode(received.data).get() else { return nil }
                    return a
                }
                #expect(
                    audio.allSatisfy { $0.sampleRate == 24000 && $0.channels == 1 && $0.audio.readableBytes == 1920 })

                let truth = try onlyTruth(agent)
                #expect(truth.session == "pc-1")
                let first = try #require(frames.first { try Self.kind($0) == "audio" })
                expectLatency(firstAudioNs: first.atNs, truth: truth)
                await client.close()
            }
        }

        @Test func bargeInSendsAnInterruption() async throws {
            try await withAgent { _, port in
                let client = try await TestWebSocketClient.connect(port: port, path: "/pipecat").client()
                client.stream(Self.audio(Signal.bargeIn(sampleRate: 16000)))
                let frames = try await client.collect(until: { try Self.kind($0) == "bot-stopped-speaking" })
                let kinds = Self.collapsed(try frames.map { try Self.kind($0) })
                #expect(
                    Array(kinds.prefix(4)) == [
                        "user-started-speaking", "user-stopped-speaking", "audio×1", "bot-started-speaking",
                    ])
                #expect(kinds.count == 9 && kinds[4].hasPrefix("audio×"))
                #expect(
                    Array(kinds.suffix(4)) == [
                        "user-started-speaking", "interruption", "bot-interrupted", "bot-stopped-speaking",
                    ])
                await client.close()
            }
        }

        @Test(arguments: [("text frame", true), ("not protobuf", false)])
        func malformedInputCloses1003(name: String, asText: Bool) async throws {
            try await withAgent { _, port in
                let client = try await TestWebSocketClient.connect(port: port, path: "/pipecat").client()
                if asText {
                    client.send(text: #"{"label":"rtvi-ai","type":"client-ready"}"#)
                } else {
                    client.send(binary: [0xFF, 0xFF, 0xFF])
                }
                #expect(try await client.next().closeCode == 1003, "\(name)")
            }
        }
    }
}

@Suite struct PipecatWireLevelTests {
    @Test func stereoLevelIsTheFirstChannels() {
        // Channel 0 a loud square wave, channel 1 silent.
        let samples: [Int16] = (0..<320).flatMap { i in [i % 2 == 0 ? Int16(16384) : -16384, 0] }
        let level = Signal.pcm16LE(samples).withUnsafeBytes { PipecatWire.levelOfFirstChannel($0, channels: 2) }
        #expect(abs(level - (-6.02)) < 0.1)
    }
}
