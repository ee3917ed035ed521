import ChorusAgent
import ChorusAudio
import ChorusCore
import ChorusDialects
import Foundation
import NIOCore
import NIOSSL
import NIOWebSocket
import Testing

/// Every test that talks to a real agent over a socket. Serialized: they check real-time latencies, and the
/// machine is small.
@Suite(.serialized, .timeLimit(.minutes(1))) struct AgentLoopbackTests {}

/// The scripted latency and hangover of the loopback tests: the VAD ends a turn 60 ms after the last voiced frame,
/// well inside the 100 ms latency, so the first reply frame is due exactly 100 ms after the end of speech.
let testLatencyMs = 100.0
let testHangoverMs = 60.0

/// Runs `body` against a fresh agent on 127.0.0.1, port 0, and stops it afterwards.
func withAgent(
    dialect: AgentDialect = .chorus, token: String? = nil, tls: NIOSSLContext? = nil,
    _ body: (ReferenceAgent, Int) async throws -> Void
) async throws {
    let agent = try ReferenceAgent(
        behavior: AgentBehavior(latencyMs: testLatencyMs, hangoverMs: testHangoverMs), replyPath: nil, truthPath: nil,
        dialect: dialect, requiredBearerToken: token)
    let port = try await agent.start(host: "127.0.0.1", port: 0, tls: tls)
    do {
        try await body(agent, port)
    } catch {
        await agent.stop()
        throw error
    }
    await agent.stop()
}

/// Test audio: 20 ms frames of a 440 Hz tone at -10 dBFS (peak), or of digital silence.
enum Signal {
    static func tone(sampleRate: Int, frames: Int) -> [[Int16]] {
        let n = sampleRate / 50
        let amplitude = 32768 * pow(10, -10.0 / 20)
        return (0..<frames).map { f in
            (0..<n).map { i in
                let t = Double(f * n + i) / Double(sampleRate)
                return Int16(amplitude * sin(2 * .pi * 440 * t))
            }
        }
    }

    static func silence(sampleRate: Int, frames: Int) -> [[Int16]] {
        Array(repeating: [Int16](repeating: 0, count: sampleRate / 50), count: frames)
    }

    /// Tone, then silence: one utterance followed by the caller listening.
    static func utterance(sampleRate: Int, speechFrames: Int = 50, silenceFrames: Int) -> [[Int16]] {
        Self.tone(sampleRate: sampleRate, frames: speechFrames)
            + Self.silence(sampleRate: sampleRate, frames: silenceFrames)
    }

    /// Speech, a pause long enough for the agent to start answering, then speech again during the answer.
    static func bargeIn(sampleRate: Int) -> [[Int16]] {
        Self.tone(sampleRate: sampleRate, frames: 50) + Self.silence(sampleRate: sampleRate, frames: 20)
            + Self.tone(sampleRate: sampleRate, frames: 15) + Self.silence(sampleRate: sampleRate, frames: 100)
    }

    static func pcm16LE(_ samples: [Int16]) -> [UInt8] {
        samples.flatMap { s -> [UInt8] in
            let bits = UInt16(bitPattern: s)
            return [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)]
        }
    }
}

extension TestWebSocketClient.Received {
    /// The frame's JSON (text frames).
    func json() throws -> JSONValue {
        try JSONParser.parse(self.text)
    }
}

/// The ground truth of the only turn the agent logged.
func onlyTruth(_ agent: ReferenceAgent) throws -> TruthRecord {
    let records = agent.truth.records
    try #require(records.count == 1, "truth records: \(records)")
    return records[0]
}

/// Checks that the first reply audio, received at `firstAudioNs`, came about the scripted latency after the
/// agent's end of speech (generous bounds: the machine is shared).
func expectLatency(firstAudioNs: Int64, truth: TruthRecord, sourceLocation: SourceLocation = #_sourceLocation) {
    let ms = Double(firstAudioNs - truth.eosReceivedNs) / 1e6
    #expect(
        ms >= testLatencyMs - 1 && ms <= testLatencyMs + 500, "first audio \(ms) ms after end of speech",
        sourceLocation: sourceLocation)
    #expect(
        truth.latencyMs >= testLatencyMs - 1, "agent-side latency \(truth.latencyMs) ms", sourceLocation: sourceLocation
    )
}

/// `kinds` in order, with each run of `repeated` collapsed to `<label>×N` (audio chunks vary in number).
func collapsingRuns(of repeated: String, as label: String, in kinds: [String]) -> [String] {
    var out: [String] = []
    var run = 0
    for kind in kinds {
        if kind == repeated {
            run += 1
            continue
        }
        if run > 0 { out.append("\(label)×\(run)") }
        run = 0
        out.append(kind)
    }
    if run > 0 { out.append("\(label)×\(run)") }
    return out
}
