import ChorusAudio
import ChorusRTP
import ChorusTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every RTP interop test, run one at a time: they measure timing and start GStreamer processes, so they should
/// not compete with each other for the two CPU cores.
@Suite(.serialized) struct RTPInteropTests {}

// MARK: - Codecs

/// The two payload formats the agent speaks, with what the tests need to build and check each.
enum InteropCodec: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case opus, pcmu

    var testDescription: String { self.rawValue }

    var payloadType: UInt8 { self == .opus ? OpusRTP.defaultPayloadType : PCMURTP.payloadType }
    /// The rate the clip is loaded at before encoding (Opus at 16 kHz, PCMU at 8 kHz).
    var sampleRate: Int { self == .opus ? 16000 : 8000 }
    var clockRate: Int { self == .opus ? OpusRTP.clockRate : PCMURTP.clockRate }
    var timestampIncrement: UInt32 {
        self == .opus ? OpusRTP.timestampIncrementPer20ms : PCMURTP.timestampIncrementPer20ms
    }

    /// The shipped caller utterance at this codec's rate.
    func utterance() throws -> Utterance {
        try Utterance.load(path: Fixtures.audio("book-a-table.wav"), sampleRate: self.sampleRate)
    }

    /// `utterance` as packets, with (or without) the RFC 6464 level and V bit in extension id 1.
    func template(for utterance: Utterance, withLevels: Bool = true) throws -> RTPStreamTemplate {
        let id: UInt8? = withLevels ? 1 : nil
        return switch self {
        case .opus: try OpusRTP.streamTemplate(for: utterance, audioLevelID: id)
        case .pcmu: try PCMURTP.streamTemplate(for: utterance, audioLevelID: id)
        }
    }

    /// `frames` × 20 ms of digital silence (level 127, V clear).
    func silenceTemplate(frames: Int, withLevels: Bool = true) throws -> RTPStreamTemplate {
        let samples = [Int16](repeating: 0, count: frames * self.sampleRate / 50)
        let clip = Utterance(name: "silence", sampleRate: self.sampleRate, samples: samples, speech: 0..<1)
        let payloads = self == .opus ? try clip.opusFrames() : clip.muLawFrames()
        return RTPStreamTemplate(
            payloads: payloads, payloadType: self.payloadType, timestampIncrement: self.timestampIncrement,
            audioLevelID: withLevels ? 1 : nil)
    }
}

/// Writes templates one after another as one continuous RTP stream (sequence and timestamp carry on).
struct RTPStreamWriter {
    let ssrc: UInt32
    var sequence: UInt16
    var timestamp: UInt32
    private var isFirst = true

    init(ssrc: UInt32) {
        self.ssrc = ssrc
        self.sequence = UInt16.random(in: 0...UInt16.max)
        self.timestamp = UInt32.random(in: 0...UInt32.max)
    }

    /// Every frame of `template` as a whole datagram; the marker is set on the stream's first packet only.
    mutating func packets(_ template: RTPStreamTemplate) -> [[UInt8]] {
        (0..<template.frameCount).map { index in
            let size = template.packetSize(frame: index)
            let packet = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                initialized = template.write(
                    frame: index, sequenceNumber: self.sequence, timestamp: self.timestamp, ssrc: self.ssrc,
                    marker: self.isFirst, into: UnsafeMutableRawBufferPointer(buffer))
            }
            self.isFirst = false
            self.sequence &+= 1
            self.timestamp &+= template.timestampIncrement
            return packet
        }
    }
}

// MARK: - GStreamer

/// Runs `gst-launch-1.0` pipelines for the interop tests.
enum GStreamer {
    /// `gst-launch-1.0` on PATH, if installed.
    static let launchPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/gst-launch-1.0" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var isAvailable: Bool { Self.launchPath != nil }

    static let missing: Comment = """
        gst-launch-1.0 not found on PATH: install gstreamer1.0-tools, gstreamer1.0-plugins-base and \
        gstreamer1.0-plugins-good to run the GStreamer interop tests
        """

    /// Starts `gst-launch-1.0 arguments…`, its output going to `log`.
    static func launch(_ arguments: [String], log: String) throws -> ChildProcess {
        try ChildProcess(executable: try #require(Self.launchPath), arguments: arguments, log: log)
    }

    /// SIGINT, so `-e` pushes EOS through the pipeline and wavenc finalises its header; then waits for the exit.
    static func interrupt(_ process: ChildProcess, timeoutNs: Int64 = 10_000_000_000) async -> Bool {
        process.signal(SIGINT)
        return await process.waitForExit(timeoutNs: timeoutNs)
    }

    /// Waits until something has bound UDP `port` (Linux: /proc/net/udp*), or ~0.5 s where that cannot be seen.
    static func waitUntilBound(udpPort port: Int, timeoutNs: Int64 = 20_000_000_000) async -> Bool {
        let tables = ["/proc/net/udp", "/proc/net/udp6"].filter { FileManager.default.fileExists(atPath: $0) }
        guard !tables.isEmpty else {
            try? await Task.sleep(for: .milliseconds(500))
            return true
        }
        let suffix = ":" + String(format: "%04X", port)
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutNs)
        while DispatchTime.now().uptimeNanoseconds < end {
            for table in tables {
                let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
                let bound = text.split(separator: "\n").dropFirst().contains { line in
                    line.split(separator: " ").dropFirst().first.map { $0.hasSuffix(suffix) } ?? false
                }
                if bound { return true }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The log's text, for failure messages.
    static func logText(_ log: String) -> String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? "(no log)"
    }
}

// MARK: - Audio checks

/// RMS level of a whole clip, dBFS.
func rmsDBFS(_ samples: [Int16]) -> Double {
    AudioLevel.rmsDBFS(samples)
}

/// Parses a datagram as RTP.
func parseRTP(_ bytes: [UInt8]) -> RTPPacketView? {
    bytes.withUnsafeBytes { try? RTPHeader.parse($0).get() }
}

/// Parses a datagram as compound RTCP.
func parseRTCP(_ bytes: [UInt8]) -> [RTCPPacket]? {
    bytes.withUnsafeBytes { RTCPPacket.isRTCP($0) ? try? RTCPPacket.parseCompound($0).get() : nil }
}

/// Whether a datagram is RTCP (RFC 5761 demultiplexing).
func isRTCP(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { RTCPPacket.isRTCP($0) }
}
