import Foundation

/// The open-file limit: each caller holds a socket, and past the limit connects hang silently (swift-notes §3).
enum FileLimits {
    /// Raises the soft limit toward the hard limit; warns when even the hard limit is below `needed`.
    static func raise(toAtLeast needed: Int) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        if Int(limit.rlim_cur) < needed {
            FileHandle.standardError.write(Data(
                "warning: the open-file limit is \(limit.rlim_cur) but this scenario needs about \(needed); raise it with `ulimit -n \(needed)`\n".utf8))
        }
    }
}
