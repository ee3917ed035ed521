import ChorusAgent
import ChorusDialects
import NIOHTTP1
import Testing

@Suite struct AgentDialectPathTests {
    @Test(arguments: [
        ("/chorus", AgentDialect.chorus), ("/openai-realtime", .openAIRealtime),
        ("/v1/realtime?model=gpt-realtime", .openAIRealtime), ("/openai-realtime/?model=x", .openAIRealtime),
        ("/twilio", .twilio), ("/pipecat", .pipecat), ("/", .pipecat), ("", .pipecat), ("/?x=1", .pipecat),
    ])
    func knownPathsSelectTheirDialect(path: String, expected: AgentDialect) {
        #expect(AgentDialect.forPath(path, default: .pipecat) == expected)
    }

    @Test(arguments: ["/nope", "/v1/realtime/extra", "/chorus2", "/ws"])
    func otherPathsSelectNothing(path: String) {
        #expect(AgentDialect.forPath(path, default: .chorus) == nil)
    }
}

extension AgentLoopbackTests {
    @Suite struct Handshake {
        @Test func unknownPathIsRefusedWith404() async throws {
            try await withAgent { _, port in
                let connection = try await TestWebSocketClient.connect(port: port, path: "/nope")
                guard case .rejected(let status, let body) = connection else {
                    Issue.record("upgraded on an unknown path")
                    return
                }
                #expect(status == .notFound)
                #expect(body.contains("/nope"))
            }
        }

        @Test func missingOrWrongTokenIsRefusedWith401() async throws {
            try await withAgent(token: "s3cret") { _, port in
                for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", "s3cret")]] {
                    let connection = try await TestWebSocketClient.connect(
                        port: port, path: "/chorus", headers: headers)
                    guard case .rejected(let status, let body) = connection else {
                        Issue.record("upgraded with headers \(headers)")
                        continue
                    }
                    #expect(status == .unauthorized)
                    #expect(body == #"{"error":"invalid api key"}"#)
                }
                let accepted = try await TestWebSocketClient.connect(
                    port: port, path: "/chorus", headers: [("Authorization", "Bearer s3cret")])
                let client = try accepted.client()
                client.send(text: #"{"type":"start","session":"t","sample_rate":16000,"encoding":"pcm16"}"#)
                #expect(try await client.next().text == #"{"type":"ready"}"#)
                await client.close()
            }
        }

        @Test func rootSpeaksTheDefaultDialect() async throws {
            try await withAgent(dialect: .openAIRealtime) { _, port in
                let client = try await TestWebSocketClient.connect(port: port, path: "/?model=gpt-realtime-mini")
                    .client()
                let created = try await client.next().json()
                #expect(created["type"] == "session.created")
                #expect(created["session"]?["model"] == "gpt-realtime-mini")
                await client.close()
            }
        }
    }
}
