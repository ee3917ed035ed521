import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn` and a clean signal mask.
///
/// Foundation's `Process` spawns from a thread that blocks almost every signal, and the child inherits that
/// mask, so `gst-launch-1.0 -e` never sees the SIGINT that makes it finish its file. Here the mask is emptied
/// and SIGINT/SIGPIPE reset to their defaults in the child.
final class ChildProcess {
    let pid: pid_t
    private(set) var exitStatus: Int32?

    /// Starts `executable arguments…` with stdout and stderr appended to `log`.
    init(executable: String, arguments: [String], log: String) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        try #require(status == 0, "posix_spawn \(executable) failed: \(String(cString: strerror(status)))")
        self.pid = pid
    }

    deinit {
        if self.exitStatus == nil {
            kill(self.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(self.pid, &status, 0)
        }
    }

    /// Whether the child has exited (reaps it when it has).
    var hasExited: Bool {
        if self.exitStatus != nil { return true }
        var status: Int32 = 0
        guard waitpid(self.pid, &status, WNOHANG) == self.pid else { return false }
        // Exit code when it exited normally, 128 + signal when a signal ended it (the shell's convention).
        self.exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return true
    }

    func signal(_ signal: Int32) {
        if !self.hasExited { kill(self.pid, signal) }
    }

    /// Polls until the child exits; false (and the child killed) after `timeoutNs`.
    func waitForExit(timeoutNs: Int64) async -> Bool {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutNs)
        while !self.hasExited, DispatchTime.now().uptimeNanoseconds < end {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if self.hasExited { return true }
        self.signal(SIGKILL)
        return false
    }
}
