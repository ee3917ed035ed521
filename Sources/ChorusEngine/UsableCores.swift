import Foundation
import NIOCore

/// How many CPU cores this process may run on: NIO's count (cgroup quota or cpuset, else online cores), narrowed
/// by the scheduler affinity mask, so `taskset -c 0 chorus run …` gets one caller loop and says "of 1 core".
public enum UsableCores {
    public static var count: Int {
        var cores = System.coreCount
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let allowed = Self.allowedCPUs(status: status), allowed > 0
        {
            cores = min(cores, allowed)
        }
        return max(1, cores)
    }

    /// CPUs in the `Cpus_allowed:` mask of a /proc/PID/status text (comma-separated hex words); nil without one.
    static func allowedCPUs(status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else {
            return nil
        }
        let hex = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
        guard !hex.isEmpty else { return nil }
        return hex.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
    }
}
