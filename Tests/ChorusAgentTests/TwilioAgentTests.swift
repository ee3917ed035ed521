import ChorusAgent
import ChorusAudio
import ChorusDialects
import NIOCore
import NIOWebSocket
import Testing

extension AgentLoopbackTests {
    @Suite struct Twilio {
        static let identity = TwilioIdentity(
            streamSid: "MZ" + String(repeating: "a1", count: 16), accountSid: "AC" + String(repeating: "b2", count: 16),
            callSid: "CA" + String(repeating: "c3", count: 16))

        /// `connected`, `start`, then one `media` message per 20 ms frame of `samples` (8 kHz), as Twilio sends them.
        static func call(_ samples: [[Int16]], parameters: [String: String] = [:]) -> (
            opening: [String], media: [WebSocketFrame]
        ) {
            var caller = TwilioMediaStreamsCaller(identity: Self.identity, customParameters: parameters)
            let opening = [caller.connected(), caller.start()]
            let media = samples.enumerated().map { i, frame in
                TestWebSocketClient.text(
                    caller.media(payloadBase64: Base64.encodedString(G711.muLawEncode(frame)), timestampMs: i * 20))
            }
            return (opening, media)
        }

        @Test func turnIsAnsweredWithMediaThenAMark() async throws {
            try await withAgent { agent, port in
                let client = try await TestWebSocketClient.connect(port: port, path: "/twilio").client()
                let call = Self.call(
                    Signal.utterance(sampleRate: 8000, silenceFrames: 160), parameters: ["chorus_session": "tw-1"])
                for message in call.opening { client.send(text: message) }
                client.stream(call.media)
                let frames = try await client.collect(until: { try $0.json()["event"] == "mark" })
                let messages = try frames.map { try $0.json() }
                let media = messages.dropLast()
                #expect(media.count == 100)
                for message in media {
                    #expect(message["event"] == "media")
                    #expect(message["streamSid"]?.stringValue == Self.identity.streamSid)
                    #expect(Base64.decode(message["media"]?["payload"]?.stringValue ?? "")?.readableBytes == 160)
                }
                #expect(
                    messages.last == [
                        "event": "mark", "streamSid": .string(Self.identity.streamSid), "mark": ["name": "reply-0"],
                    ])

                let truth = try onlyTruth(agent)
                #expect(truth.session == "tw-1")
                #expect(truth.eosSource == "vad")
                expectLatency(firstAudioNs: try #require(frames.first).atNs, truth: truth)

                var caller = TwilioMediaStreamsCaller(identity: Self.identity)
                client.send(text: caller.stop())
                #expect(try await client.next().closeCode == 1000)
            }
        }

        @Test func sessionIdFallsBackToTheStreamSidAndStopCloses() async throws {
            try await withAgent { agent, port in
                let client = try await TestWebSocketClient.connect(port: port, path: "/twilio").client()
                let call = Self.call(Signal.utterance(sampleRate: 8000, silenceFrames: 20))
                for message in call.opening { client.send(text: message) }
                client.stream(call.media)
                #expect(try await client.next().json()["event"] == "media")
                var caller = TwilioMediaStreamsCaller(identity: Self.identity)
                client.send(text: caller.stop())
                let close = try await client.collect(until: { $0.opcode == .connectionClose }).last
                #expect(close?.closeCode == 1000)
                // A reply cut short by the hang-up keeps its truth: its first frame went out.
                #expect(agent.truth.records.map(\.session) == [Self.identity.streamSid])
            }
        }

        @Test func bargeInSendsClear() async throws {
            try await withAgent { agent, port in
                let client = try await TestWebSocketClient.connect(
                    port: port, path: "/twilio", headers: [("X-Chorus-Session", "tw-2")]
                ).client()
                let call = Self.call(Signal.bargeIn(sampleRate: 8000), parameters: ["chorus_session": "not-this"])
                for message in call.opening { client.send(text: message) }
                client.stream(call.media)
                let messages = try await client.collect(until: { try $0.json()["event"] != "media" }).map {
                    try $0.json()
                }
                #expect(messages.count > 1)
                #expect(messages.last == ["event": "clear", "streamSid": .string(Self.identity.streamSid)])
                #expect(agent.truth.records.map(\.session) == ["tw-2"])
                await client.close()
            }
        }

        @Test(arguments: [
            ("binary", nil as String?), ("malformed", "{\"event\":"), ("not an object", "[1,2]"),
            ("media before start", #"{"event":"media","streamSid":"MZ1","media":{"payload":"AAAA"}}"#),
            (
                "linear16",
                #"{"event":"start","streamSid":"MZ1","start":{"streamSid":"MZ1","callSid":"CA1","mediaFormat":{"encoding":"audio/x-l16","sampleRate":16000,"channels":1}}}"#
            ),
        ])
        func protocolViolationsClose1003(name: String, message: String?) async throws {
            try await withAgent { _, port in
                let client = try await TestWebSocketClient.connect(port: port, path: "/twilio").client()
                if let message { client.send(text: message) } else { client.send(binary: [1, 2, 3]) }
                let close = try await client.next()
                #expect(close.closeCode == 1003, "\(name): \(close.text)")
            }
        }
    }
}
