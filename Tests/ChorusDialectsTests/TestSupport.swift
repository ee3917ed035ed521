import ChorusDialects
import Foundation
import NIOCore
import Testing

/// Golden transcripts: one JSON message per line under `Golden/`, compared as parsed JSON (member order is not
/// significant; values and their JSON types are, so `"1"` never matches `1`). Re-record with
/// `CHORUS_RECORD_GOLDEN=1 swift test --filter ChorusDialectsTests`.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["CHORUS_RECORD_GOLDEN"] == "1" }

    static func check(_ messages: [String], against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.directory.appendingPathComponent(name)
        if Self.isRecording {
            try (messages.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(golden.count == messages.count, "message count", sourceLocation: sourceLocation)
        for (index, (expected, actual)) in zip(golden, messages).enumerated() {
            // Foundation checks the text is JSON independently of our own parser.
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(actual.utf8))) != nil, "line \(index + 1) is not JSON",
                sourceLocation: sourceLocation)
            let e = try JSONParser.parse(expected)
            let a = try JSONParser.parse(actual)
            #expect(a == e, "line \(index + 1) differs:\n  golden: \(expected)\n  actual: \(actual)", sourceLocation: sourceLocation)
        }
    }
}

/// A seeded generator so identities and signals repeat.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Signals {
    /// 20 ms frames of a 440 Hz tone as PCM16 little-endian at 24 kHz (960 bytes each).
    static func pcm24kFrames(count: Int) -> [[UInt8]] {
        (0..<count).map { f in
            (0..<480).flatMap { i -> [UInt8] in
                let t = Double(f * 480 + i) / 24_000
                let v = UInt16(bitPattern: Int16(8000 * sin(2 * Double.pi * 440 * t)))
                return [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
            }
        }
    }

    /// 20 ms frames of arbitrary µ-law bytes (160 each); every byte value is a valid µ-law sample.
    static func muLawFrames(count: Int) -> [[UInt8]] {
        (0..<count).map { f in (0..<160).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ f &* 11) } }
    }
}

extension JSONValue {
    /// `self[a][b][c]…`.
    subscript(path keys: String...) -> JSONValue? {
        keys.reduce(Optional(self)) { value, key in value?[key] }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
