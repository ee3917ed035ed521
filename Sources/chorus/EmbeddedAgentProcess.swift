import ChorusCore
import ChorusAgent
import ChorusEngine
import NIOCore
import Foundation

/// The reference agent started as a child process of `chorus run` when a scenario names no target.
///
/// It is the same binary (`chorus agent`), so it speaks exactly what a standalone agent speaks; it exits when
/// our end of its standard input closes, so it cannot outlive a crashed parent.
final class EmbeddedAgentProcess {
    let process = Process()
    private let stdinPipe = Pipe()
    let port: Int
    /// The agent's RTP port, when started with `rtp`.
    let rtpPort: Int?
    /// The agent's WebRTC signalling port, when started with `webRTC`.
    let webRTCPort: Int?

    init(behavior: AgentBehavior, replyPath: String?, truthPath: String, rtp: Bool = false, webRTC: Bool = false) throws {
        let stdoutPipe = Pipe()
        self.process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var args = [
            "agent", "--listen", "127.0.0.1:0", "--latency", "\(behavior.latencyMs)ms",
            "--jitter", "\(behavior.jitterMs)ms", "--drift", "\(behavior.driftMsPerTurn)ms",
            "--drift-after-turn", "\(behavior.driftAfterTurn)", "--clock-skew-ppm", "\(behavior.clockSkewPpm)",
            "--hangover", "\(behavior.hangoverMs)ms", "--truth", truthPath, "--seed", "\(behavior.seed)",
            // Half the cores: the agent shares the machine with the callers it answers.
            "--exit-on-stdin-eof", "--threads", "\(max(1, UsableCores.count / 2))",
        ]
        if let replyPath { args += ["--reply", replyPath] }
        if let bytes = behavior.fragmentBytes { args += ["--fragment", "\(bytes)"] }
        switch behavior.bargeInStop {
        case .dialectDefault: break
        case .never: args += ["--bargein-stop", "never"]
        case .after(let ms): args += ["--bargein-stop", "\(ms)ms"]
        }
        if rtp { args += ["--rtp-port", "0"] }
        if webRTC { args += ["--webrtc-port", "0"] }
        self.process.arguments = args
        self.process.standardInput = self.stdinPipe
        self.process.standardOutput = stdoutPipe
        do {
            try self.process.run()
        } catch {
            throw CLIError("cannot start the embedded reference agent: \(error)")
        }
        // The agent prints "listening on HOST:PORT" once bound (and "rtp on HOST:PORT" with --rtp-port).
        let reader = stdoutPipe.fileHandleForReading
        var text = ""
        func port(after prefix: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: ":").last }
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        while port(after: "listening on ") == nil || (rtp && port(after: "rtp on ") == nil)
            || (webRTC && port(after: "webrtc on ") == nil)
        {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let wsPort = port(after: "listening on "), !rtp || port(after: "rtp on ") != nil,
            !webRTC || port(after: "webrtc on ") != nil
        else {
            self.process.terminate()
            throw CLIError("the embedded reference agent did not start (it said: '\(text.trimmingCharacters(in: .whitespacesAndNewlines))')")
        }
        self.port = wsPort
        self.rtpPort = rtp ? port(after: "rtp on ") : nil
        self.webRTCPort = webRTC ? port(after: "webrtc on ") : nil
    }

    /// Where callers reach it, per transport.
    var addresses: EmbeddedAgentAddresses {
        var ports: [TransportKind: Int] = [.websocket: self.port]
        ports[.rtp] = self.rtpPort
        ports[.webrtc] = self.webRTCPort
        return EmbeddedAgentAddresses(host: "127.0.0.1", ports: ports)
    }

    /// Ends the agent and waits for it, so its truth file is complete.
    func stop() {
        try? self.stdinPipe.fileHandleForWriting.close()
        if self.process.isRunning { self.process.terminate() }
        self.process.waitUntilExit()
    }
}
