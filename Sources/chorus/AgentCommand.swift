import ArgumentParser
import ChorusAgent
import ChorusCore
import Foundation

/// `chorus agent`: the reference agent as a standalone server.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run the reference voice agent (a real WebSocket server with scripted latency)."
    )

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one).") var listen = "127.0.0.1:8765"
    @Option(
        help: "Dialect spoken on / (every dialect also has its own path: /chorus, /openai-realtime, /twilio, /pipecat)."
    )
    var dialect = "chorus"
    @Option(help: "Scripted latency from end of speech to first reply audio.") var latency = "300ms"
    @Option(help: "Standard deviation of normal jitter added to the latency.") var jitter = "0ms"
    @Option(help: "Latency added per turn within a session (drift).") var drift = "0ms"
    @Option(
        name: .customLong("drift-after-turn"),
        help: "Zero-based turn index after which drift starts (turn k gets drift × max(0, k − this)).")
    var driftAfterTurn = 0
    @Option(
        name: .customLong("clock-skew-ppm"),
        help: "Run the agent's media clock fast (+) or slow (−) by this many ppm: reply pacing and RTP timestamps.")
    var clockSkewPpm: Double = 0
    @Option(help: "Silence after speech before the agent's VAD ends the utterance.") var hangover = "400ms"
    @Option(help: "Reply clip (WAV/FLAC/OGG); a tone when omitted.") var reply: String?
    @Option(help: "Append per-turn ground truth as JSON lines to this file.") var truth: String?
    @Option(help: "Seed for the jitter.") var seed: UInt64 = 1
    @Option(
        help: ArgumentHelp(
            "Split every message sent into continuation frames of at most this many payload bytes.",
            valueName: "bytes"))
    var fragment: Int?
    @Option(
        name: .customLong("bargein-stop"),
        help: ArgumentHelp(
            "Stop a reply this long after hearing the caller speak over it (e.g. 150ms), or 'never' to talk to the end; the dialect's own behaviour when omitted.",
            valueName: "duration|never"))
    var bargeInStop: String?
    @Option(help: "Event loop threads.") var threads = 1
    @Option(
        name: .customLong("rtp-port"),
        help: "Also serve RTP (rtcp-mux, Opus or PCMU) on this UDP port of the --listen host (0 picks a free one).")
    var rtpPort: Int?
    @Option(
        name: .customLong("webrtc-port"),
        help: "Also serve WebRTC (WHIP on /whip, Pipecat's /api/offer) with signalling on this TCP port of the --listen host (0 picks a free one).")
    var webRTCPort: Int?
    @Flag(help: "Serve wss:// with a fresh self-signed certificate for localhost/127.0.0.1 (needs openssl).")
    var tls = false
    @Option(name: .customLong("tls-cert"), help: "Serve wss:// with this PEM certificate (with --tls-key).")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.") var tlsKey: String?
    @Option(
        name: .customLong("require-token"),
        help: "Refuse handshakes without 'Authorization: Bearer TOKEN' (HTTP 401); default $CHORUS_AGENT_TOKEN.")
    var requireToken: String?
    @Flag(help: "Exit when standard input closes (used when `chorus run` starts the agent).") var exitOnStdinEOF = false

    static let tokenEnvironmentVariable = "CHORUS_AGENT_TOKEN"

    func run() async throws {
        guard let dialect = AgentDialect(rawValue: self.dialect) else {
            let names = AgentDialect.allCases.map(\.rawValue).joined(separator: ", ")
            throw CLIError("--dialect: '\(self.dialect)' is not supported (expected one of: \(names))")
        }
        var problems: [String] = []
        func ms(_ text: String, _ flag: String, negative: Bool = false) -> Double {
            guard let v = DurationParser.milliseconds(text), negative || v >= 0 else {
                problems.append("--\(flag): '\(text)' is not a duration (expected e.g. 300ms, 1.5s)")
                return 0
            }
            return v
        }
        var behavior = AgentBehavior(
            latencyMs: ms(self.latency, "latency"), jitterMs: ms(self.jitter, "jitter"),
            driftMsPerTurn: ms(self.drift, "drift", negative: true), hangoverMs: ms(self.hangover, "hangover"),
            seed: self.seed, fragmentBytes: self.fragment)
        behavior.driftAfterTurn = self.driftAfterTurn
        behavior.clockSkewPpm = self.clockSkewPpm
        if let text = self.bargeInStop {
            if let stop = BargeInStop(parsing: text) {
                behavior.bargeInStop = stop
            } else {
                problems.append("--bargein-stop: '\(text)' is not a duration or never (expected e.g. 150ms or never)")
            }
        }
        if self.driftAfterTurn < 0 { problems.append("--drift-after-turn: must be ≥ 0") }
        if !(abs(self.clockSkewPpm) <= 10_000) { problems.append("--clock-skew-ppm: must be from -10000 to 10000") }
        let parts = self.listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
            problems.append("--listen: '\(self.listen)' is not HOST:PORT")
            throw CLIError(problems.joined(separator: "\n"))
        }
        if let fragment = self.fragment, fragment < 1 {
            problems.append("--fragment: \(fragment) is not a payload size (expected at least 1 byte)")
        }
        if let port = self.webRTCPort, !(0...65535).contains(port) {
            problems.append("--webrtc-port: \(port) is not a TCP port (0...65535)")
        }
        if let rtpPort = self.rtpPort, !(0...65535).contains(rtpPort) {
            problems.append("--rtp-port: \(rtpPort) is not a UDP port (0...65535)")
        }
        if (self.tlsCert == nil) != (self.tlsKey == nil) { problems.append("--tls-cert and --tls-key go together") }
        if self.tls && self.tlsCert != nil {
            problems.append("--tls generates a certificate; omit --tls-cert/--tls-key")
        }
        if !problems.isEmpty { throw CLIError(problems.joined(separator: "\n")) }
        let token = self.requireToken ?? ProcessInfo.processInfo.environment[Self.tokenEnvironmentVariable]
        let agent: ReferenceAgent
        do {
            agent = try ReferenceAgent(
                behavior: behavior, replyPath: self.reply, truthPath: self.truth, threads: self.threads,
                dialect: dialect, requiredBearerToken: token)
        } catch {
            throw CLIError("agent: \(error)")
        }
        let (tls, generatedDirectory) = try self.makeTLS()
        defer { if let generatedDirectory { try? FileManager.default.removeItem(atPath: generatedDirectory) } }
        let context = try tls.map { tls in
            do { return try tls.makeContext() } catch {
                throw CLIError("tls: cannot load \(tls.certificatePath): \(error)")
            }
        }
        let bound: Int
        do {
            bound = try await agent.start(host: String(parts[0]), port: port, tls: context)
        } catch {
            await agent.stop()
            throw CLIError("agent: cannot listen on \(self.listen): \(error)")
        }
        // `chorus run` reads "listening on HOST:PORT" (and "rtp on HOST:PORT"); the certificate line comes first so a
        // reader that stops at "listening on" has it too.
        if let tls { print("tls certificate \(tls.certificatePath)") }
        print("listening on \(parts[0]):\(bound)")
        if let rtpPort = self.rtpPort {
            do {
                let rtpBound = try await agent.startRTP(host: String(parts[0]), port: rtpPort)
                print("rtp on \(parts[0]):\(rtpBound)")
            } catch {
                await agent.stop()
                throw CLIError("agent: cannot serve RTP on \(parts[0]):\(rtpPort): \(error)")
            }
        }
        if let webRTCPort = self.webRTCPort {
            do {
                let bound = try await agent.startWebRTC(host: String(parts[0]), port: webRTCPort)
                print("webrtc on \(parts[0]):\(bound)")
            } catch {
                await agent.stop()
                throw CLIError("agent: cannot serve WebRTC signalling on \(parts[0]):\(webRTCPort): \(error)")
            }
        }
        fflush(nil)
        await Signals.waitForTermination(orStdinEOF: self.exitOnStdinEOF)
        await agent.stop()
    }

    /// The certificate to serve, and the temporary directory to delete afterwards when it was generated here.
    private func makeTLS() throws -> (AgentTLS?, String?) {
        if let cert = self.tlsCert, let key = self.tlsKey {
            return (AgentTLS(certificatePath: cert, keyPath: key), nil)
        }
        guard self.tls else { return (nil, nil) }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chorus-agent-tls-\(ProcessInfo.processInfo.processIdentifier)").path
        do {
            return (try AgentTLS.selfSigned(directory: directory), directory)
        } catch {
            throw CLIError("--tls: \(error)")
        }
    }
}
