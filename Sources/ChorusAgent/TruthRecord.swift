import Foundation
import NIOConcurrencyHelpers

/// The agent's own account of one turn, on the system-wide monotonic clock (CLOCK_MONOTONIC nanoseconds), so
/// a caller in another process can compare what it measured with what the agent did.
public struct TruthRecord: Sendable, Codable, Hashable {
    /// The caller's session id from its `start` message.
    public var session: String
    /// Zero-based turn within the session, counted by the agent.
    public var turn: Int
    /// `message` (explicit end-of-turn) or `vad` (the agent's own detection).
    public var eosSource: String
    /// When the agent received the end of speech (the message, or the last voiced frame).
    public var eosReceivedNs: Int64
    /// The latency the script asked for this turn.
    public var scriptedLatencyMs: Double
    /// When the first reply frame was handed to the kernel.
    public var firstReplySentNs: Int64
    /// When the agent's VAD heard the caller start speaking over this reply (barge-in); nil when nobody did.
    public var bargeInDetectedNs: Int64?
    /// When the agent stopped this reply because of that (nil: it played to its end).
    public var replyStoppedNs: Int64?
    /// When the last reply frame sent after the barge-in was detected went out (nil: none went out).
    public var lastReplySentNs: Int64?
    /// Milliseconds of reply audio sent after the barge-in was detected: what the caller hears leak.
    public var leakedMs: Double?
    /// The agent-side latency: first reply sent − end of speech received.
    public var latencyMs: Double { Double(self.firstReplySentNs - self.eosReceivedNs) / 1e6 }
    /// The agent-side barge-in latency: interrupting speech detected → last reply frame sent; nil without a barge-in
    /// or when the reply played to its end.
    public var bargeInMs: Double? {
        guard let detected = self.bargeInDetectedNs, self.replyStoppedNs != nil else { return nil }
        return Double(max(0, (self.lastReplySentNs ?? detected) - detected)) / 1e6
    }

    /// Notes a reply frame lasting `frameMs` sent at `sentNs`, after a barge-in was detected.
    mutating func sentAfterBargeIn(atNs sentNs: Int64, frameMs: Double) {
        guard self.bargeInDetectedNs != nil else { return }
        self.lastReplySentNs = sentNs
        self.leakedMs = (self.leakedMs ?? 0) + frameMs
    }

    enum CodingKeys: String, CodingKey {
        case session, turn
        case eosSource = "eos_source"
        case eosReceivedNs = "eos_received_ns"
        case scriptedLatencyMs = "scripted_latency_ms"
        case firstReplySentNs = "first_reply_sent_ns"
        case bargeInDetectedNs = "bargein_detected_ns"
        case replyStoppedNs = "reply_stopped_ns"
        case lastReplySentNs = "last_reply_sent_ns"
        case leakedMs = "leaked_ms"
    }

    /// Reads a JSONL truth file.
    public static func read(path: String) throws -> [TruthRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(TruthRecord.self, from: Data($0.utf8)) }
    }
}

/// Collects truth records in memory and, when given a path, appends each as one JSON line. Written once per turn.
public final class TruthLog: Sendable {
    private let state: NIOLockedValueBox<(records: [TruthRecord], handle: FileHandle?)>

    /// - Parameter path: a JSONL file to create (truncated), or nil to keep records in memory only.
    public init(path: String?) throws {
        var handle: FileHandle?
        if let path {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            handle = try FileHandle(forWritingTo: url)
        }
        self.state = NIOLockedValueBox(([], handle))
    }

    public func append(_ record: TruthRecord) {
        let line = (try? JSONEncoder().encode(record)).map { $0 + Data("\n".utf8) }
        self.state.withLockedValue { state in
            state.records.append(record)
            if let line { state.handle?.write(line) }
        }
    }

    /// Every record so far.
    public var records: [TruthRecord] { self.state.withLockedValue { $0.records } }

    public func close() {
        self.state.withLockedValue { state in
            try? state.handle?.close()
            state.handle = nil
        }
    }
}
