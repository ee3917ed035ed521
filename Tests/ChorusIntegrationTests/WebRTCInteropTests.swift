import ChorusCore
import ChorusEngine
import ChorusTestSupport
import ChorusTransport
import Foundation
import NIOPosix
import Testing

/// Chorus's WebRTC callers against a WebRTC stack written by other people: aiortc (Python), behind Pipecat-style
/// signalling (`Peers/aiortc_peer.py`), echoing the caller's audio through its own Opus decoder and encoder.
///
/// aiortc is a full ICE agent and, answering `actpass`, the DTLS client; so this covers what the reference agent
/// (ICE-lite) does not: a far end that runs its own connectivity checks and starts the handshake.
@Suite("WebRTC interop with aiortc", .serialized)
struct WebRTCInteropTests {
    @Test("Callers and aiortc exchange Opus both ways over ICE, DTLS and SRTP", .timeLimit(.minutes(2)))
    func aiortcEchoesOpus() async throws {
        let peer = try AiortcPeer.launch()
        defer { peer.stop() }
        var scenario = WebRTCLoopbackTests.scenario(callers: 3, turns: 2, signalling: "pipecat")
        scenario.target.url = "http://127.0.0.1:\(peer.port)/api/offer"
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250))
        #expect(result.sessions.count == 3)
        for s in result.sessions {
            #expect(![.connectFailed, .rejected, .protocolError].contains(s.outcome), "\(s.outcome): \(s.error ?? "")")
            #expect(s.connectPhases?.iceMs != nil && s.connectPhases?.dtlsMs != nil, "\(String(describing: s.connectPhases))")
            let down = s.network.first { $0.direction == "down" }
            // aiortc echoes every 20 ms frame it decodes: seconds of calls give hundreds of packets.
            #expect((down?.packetsReceived ?? 0) > 50, "packets from aiortc: \(String(describing: down))")
            #expect(s.connectPhases?.firstMediaMs != nil)
        }
        let stats = try await peer.stats()
        #expect(stats["connected"] == 3, "\(stats)")
        #expect((stats["frames_received"] ?? 0) > 150, "frames aiortc decoded from Chorus: \(stats)")
    }
}

/// `Peers/aiortc_peer.py` as a child process.
struct AiortcPeer {
    let process: Process
    let stdin: Pipe
    let port: Int

    static func launch() throws -> AiortcPeer {
        let script = "\(Fixtures.packageRoot)/Tests/ChorusIntegrationTests/Peers/aiortc_peer.py"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard text.hasPrefix("listening on "), let port = text.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else {
            process.terminate()
            throw PeerError(description: "aiortc peer did not start (is aiortc installed? `pip install aiortc`): '\(text)'")
        }
        return AiortcPeer(process: process, stdin: stdin, port: port)
    }

    func stats() async throws -> [String: Int] {
        let target = HTTPExchange.Target(host: "127.0.0.1", port: self.port, path: "/stats", isTLS: false)
        let response = try await HTTPExchange.send(
            .GET, to: target, tls: nil, on: MultiThreadedEventLoopGroup.singleton.next(), timeout: .seconds(5))
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Int]
        return object ?? [:]
    }

    func stop() {
        try? self.stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while self.process.isRunning && Date() < deadline { usleep(50_000) }
        if self.process.isRunning { self.process.terminate() }
    }

    struct PeerError: Error, CustomStringConvertible {
        var description: String
    }
}
