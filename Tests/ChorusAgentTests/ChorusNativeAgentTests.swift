import ChorusAgent
import Foundation
import NIOCore
import NIOSSL
import Testing

extension AgentLoopbackTests {
    @Suite struct ChorusNative {
        /// One turn: start, an utterance closed by `end_of_turn`, the reply's PCM frames and `response.end`.
        static func oneTurn(_ client: TestWebSocketClient, agent: ReferenceAgent, expectedSession: String) async throws
        {
            client.send(text: #"{"type":"start","sample_rate":16000,"encoding":"pcm16"}"#)
            #expect(try await client.next().text == #"{"type":"ready"}"#)
            var frames = Signal.tone(sampleRate: 16000, frames: 50).map {
                TestWebSocketClient.binary(Signal.pcm16LE($0))
            }
            frames.append(TestWebSocketClient.text(#"{"type":"end_of_turn","turn":0}"#))
            frames += Signal.silence(sampleRate: 16000, frames: 150).map {
                TestWebSocketClient.binary(Signal.pcm16LE($0))
            }
            client.stream(frames)
            let received = try await client.collect(until: { $0.opcode == .text })
            let audio = received.filter { $0.opcode == .binary }
            #expect(received.last?.text == #"{"type":"response.end","turn":0}"#)
            #expect(audio.count == 100)
            #expect(audio.allSatisfy { $0.data.readableBytes == 640 })
            let truth = try onlyTruth(agent)
            #expect(truth.session == expectedSession)
            #expect(truth.eosSource == "message")
            expectLatency(firstAudioNs: try #require(audio.first).atNs, truth: truth)
        }

        @Test func sessionFromHeaderAndExplicitEndOfTurn() async throws {
            try await withAgent { agent, port in
                let client = try await TestWebSocketClient.connect(
                    port: port, path: "/", headers: [("X-Chorus-Session", "hdr-1")]
                ).client()
                try await Self.oneTurn(client, agent: agent, expectedSession: "hdr-1")
                await client.close()
            }
        }

        @Test func wssWithASelfSignedCertificate() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-tls-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let (certPath, keyPath) = try ReferenceAgent.makeSelfSignedCertificate(directory: directory)
            let server = try AgentTLS(certificatePath: certPath, keyPath: keyPath).makeContext()
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(certPath)
            let client = try NIOSSLContext(configuration: configuration)
            try await withAgent(tls: server) { agent, port in
                let connection = try await TestWebSocketClient.connect(
                    port: port, path: "/chorus", headers: [("X-Chorus-Session", "tls-1")], tls: client
                ).client()
                try await Self.oneTurn(connection, agent: agent, expectedSession: "tls-1")
                await connection.close()
            }
        }
    }
}
