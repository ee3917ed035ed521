import ChorusCore
import ChorusAgent
import Foundation

/// The reference agent started as a child process of `chorus run` when a scenario names no target.
///
/// It is the same binary (`chorus agent`), so it speaks exactly what a standalone agent speaks; it exits when
/// our end of its standard input closes, so it cannot outlive a crashed parent.
final class EmbeddedAgentProcess {
    let process = Process()
    private let stdinPipe = Pipe()
    let port: Int

    init(behavior: AgentBehavior, replyPath: String?, truthPath: String) throws {
        let stdoutPipe = Pipe()
        self.process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var args = [
            "agent", "--listen", "127.0.0.1:0", "--latency", "\(behavior.latencyMs)ms",
            "--jitter", "\(behavior.jitterMs)ms", "--drift", "\(behavior.driftMsPerTurn)ms",
            "--hangover", "\(behavior.hangoverMs)ms", "--truth", truthPath, "--seed", "\(behavior.seed)",
            "--exit-on-stdin-eof",
        ]
        if let replyPath { args += ["--reply", replyPath] }
        self.process.arguments = args
        self.process.standardInput = self.stdinPipe
        self.process.standardOutput = stdoutPipe
        do {
            try self.process.run()
        } catch {
            throw CLIError("cannot start the embedded reference agent: \(error)")
        }
        // The agent prints "listening on HOST:PORT" once bound; anything else means it failed.
        var line = Data()
        let reader = stdoutPipe.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("listening on "), let port = text.split(separator: ":").last.flatMap({ Int($0) }) else {
            self.process.terminate()
            throw CLIError("the embedded reference agent did not start (it said: '\(text)')")
        }
        self.port = port
    }

    /// Ends the agent and waits for it, so its truth file is complete.
    func stop() {
        try? self.stdinPipe.fileHandleForWriting.close()
        if self.process.isRunning { self.process.terminate() }
        self.process.waitUntilExit()
    }
}
