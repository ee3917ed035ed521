import ChorusCore
import ChorusEngine
import Foundation

/// Which shard of a distributed run this process is, read from the environment the way a Kubernetes Indexed Job
/// (or any other engine) hands it over (docs/distributed.md, "The environment contract").
///
/// - `CHORUS_SHARD_INDEX`: this shard, 0-based; when unset, `JOB_COMPLETION_INDEX` (set by an Indexed Job).
/// - `CHORUS_SHARD_COUNT`: how many shards the run has (required with an index).
/// - `CHORUS_RUN_ID`: the run id every shard records; when unset, derived from the scenario hash and
///   `CHORUS_START_AT`, which every shard has alike.
/// - `CHORUS_START_AT`: an RFC 3339 instant (`2026-12-05T07:30:00Z`) every shard waits for before it starts.
/// - `CHORUS_START_TOLERANCE`: how late a shard may wake before its run is invalid (`1s` by default).
/// - `CHORUS_RESULTS_DIR`: where a shard writes `shard-<i>-of-<N>.sqlite` when `--db` is not given (`Reports`).
struct ShardEnvironment: Equatable {
    /// The part of the scenario this process runs.
    var partition: ShardPartition = .whole
    /// `CHORUS_RUN_ID`, when set.
    var runId: String?
    /// `CHORUS_START_AT`, when set, with its text as given.
    var startAt: Date?
    var startAtText: String?
    /// `CHORUS_START_TOLERANCE` in seconds.
    var toleranceS: Double = 1
    /// `CHORUS_RESULTS_DIR`, when set.
    var resultsDir: String?

    /// The variables this reads, for messages and docs.
    static let variables = [
        "CHORUS_SHARD_INDEX", "JOB_COMPLETION_INDEX", "CHORUS_SHARD_COUNT", "CHORUS_RUN_ID", "CHORUS_START_AT",
        "CHORUS_START_TOLERANCE", "CHORUS_RESULTS_DIR",
    ]

    /// Reads the shard from `environment`.
    /// - Throws: `CLIError` naming every variable that is malformed or inconsistent, and what was expected.
    static func read(_ environment: [String: String]) throws -> ShardEnvironment {
        var shard = ShardEnvironment()
        var problems: [String] = []
        func integer(_ name: String, minimum: Int) -> Int? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces) else { return nil }
            guard let v = Int(text), v >= minimum else {
                problems.append("\(name)='\(text)' is not valid: expected a whole number ≥ \(minimum)")
                return nil
            }
            return v
        }
        let own = integer("CHORUS_SHARD_INDEX", minimum: 0)
        let job = integer("JOB_COMPLETION_INDEX", minimum: 0)
        let count = integer("CHORUS_SHARD_COUNT", minimum: 1)
        if let own, let job, own != job {
            problems.append(
                "CHORUS_SHARD_INDEX=\(own) and JOB_COMPLETION_INDEX=\(job) disagree: set one of them (or both alike)")
        }
        let index = own ?? job
        switch (index, count) {
        case (let i?, let n?):
            if let p = ShardPartition(index: i, count: n) {
                shard.partition = p
            } else {
                let name = own != nil ? "CHORUS_SHARD_INDEX" : "JOB_COMPLETION_INDEX"
                problems.append("\(name)=\(i) is out of range: expected 0…\(n - 1) for CHORUS_SHARD_COUNT=\(n)")
            }
        case (let i?, nil) where environment["CHORUS_SHARD_COUNT"] == nil:
            let name = own != nil ? "CHORUS_SHARD_INDEX" : "JOB_COMPLETION_INDEX"
            problems.append("\(name)=\(i) is set but CHORUS_SHARD_COUNT is not: expected the number of shards")
        case (nil, let n?) where n > 1:
            problems.append(
                "CHORUS_SHARD_COUNT=\(n) is set but no shard index: expected CHORUS_SHARD_INDEX or JOB_COMPLETION_INDEX")
        default:
            break
        }
        if let id = environment["CHORUS_RUN_ID"] {
            if Self.isRunId(id) {
                shard.runId = id
            } else {
                problems.append(
                    "CHORUS_RUN_ID='\(id)' is not valid: expected 1 to 64 letters, digits, '.', '_' or '-'")
            }
        }
        if let text = environment["CHORUS_START_AT"] {
            if let date = Self.parseInstant(text) {
                shard.startAt = date
                shard.startAtText = text
            } else {
                problems.append(
                    "CHORUS_START_AT='\(text)' is not valid: expected an RFC 3339 instant like 2026-12-05T07:30:00Z")
            }
        }
        if let text = environment["CHORUS_START_TOLERANCE"] {
            if let ms = DurationParser.milliseconds(text), ms >= 0 {
                shard.toleranceS = ms / 1000
            } else {
                problems.append("CHORUS_START_TOLERANCE='\(text)' is not valid: expected a duration like 1s or 500ms")
            }
        }
        if let dir = environment["CHORUS_RESULTS_DIR"], !dir.isEmpty { shard.resultsDir = dir }
        if problems.isEmpty && !shard.partition.isWhole && shard.runId == nil && shard.startAt == nil {
            problems.append(
                "CHORUS_SHARD_COUNT=\(shard.partition.count): a sharded run needs CHORUS_RUN_ID or CHORUS_START_AT,"
                    + " so that every shard records the same run id")
        }
        if !problems.isEmpty {
            throw CLIError("shard environment: " + problems.joined(separator: "\n  "))
        }
        return shard
    }

    /// The run id every shard agrees on: `CHORUS_RUN_ID`, else one derived from `CHORUS_START_AT` and the scenario
    /// hash (`yyyyMMdd-HHmmss-xxxx` of the start instant), else nil (a fresh id for an unsharded run).
    func sharedRunId(scenarioHash: String) -> String? {
        if let runId { return runId }
        guard let startAt else { return nil }
        return Self.derivedRunId(scenarioHash: scenarioHash, startAt: startAt)
    }

    /// `yyyyMMdd-HHmmss-xxxx`: the start instant in UTC and 16 bits of a hash of the scenario hash and the instant.
    static func derivedRunId(scenarioHash: String, startAt: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let millis = Int64((startAt.timeIntervalSince1970 * 1000).rounded())
        let tag = FNV1a.hash("\(scenarioHash)@\(millis)") & 0xFFFF
        return "\(f.string(from: startAt))-\(String(tag, radix: 16).leftPadded(to: 4))"
    }

    /// The default results file of this shard in `dir`: `shard-<i>-of-<N>.sqlite`.
    var fileStem: String { "shard-\(self.partition.index)-of-\(self.partition.count)" }

    static func isRunId(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// An RFC 3339 instant, with or without fractional seconds.
    static func parseInstant(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Sleeps until `startAt` by the wall clock; returns how late it woke, in seconds (0 or more).
    static func wait(until startAt: Date) async -> Double {
        while true {
            let remaining = startAt.timeIntervalSinceNow
            if remaining <= 0 { return -remaining }
            try? await Task.sleep(for: .milliseconds(Int64(min(remaining, 1) * 1000) + 1))
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}
