import Foundation

/// The open-file limit: each caller holds a socket, and past the limit connects hang silently.
enum FileLimits {
    /// Descriptors kept free for everything but the calls: the database, the agent's pipes, TLS roots, and the
    /// Swift runtime, whose thread-pool monitor traps when it cannot open /proc.
    static let reserve = 128

    /// Raises the soft limit toward the hard limit and warns when even the hard limit is below `needed`; returns
    /// how many calls may be open at once under the limit (nil when it cannot be read).
    @discardableResult
    static func raise(toAtLeast needed: Int) -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        if Int(limit.rlim_cur) < needed {
            FileHandle.standardError.write(Data(
                "warning: the open-file limit is \(limit.rlim_cur) but this scenario needs about \(needed); raise it with `ulimit -n \(needed)`\n".utf8))
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return max(0, Int(min(limit.rlim_cur, rlim_t(Int.max))) - open - Self.reserve)
    }
}
