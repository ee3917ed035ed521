import Foundation

/// Synthetic audio and fixture locations shared by the ChorusAudio tests.
enum TestSignals {
    /// A sine of `frequency` Hz whose peak is `peakDBFS` (full scale 32768), `ms` long.
    static func tone(frequency: Double = 440, peakDBFS: Double, ms: Int, sampleRate: Int) -> [Int16] {
        let amplitude = 32768 * pow(10, peakDBFS / 20)
        let count = sampleRate * ms / 1000
        return (0..<count).map { n in
            Int16(
                clamping: Int((amplitude * sin(2 * Double.pi * frequency * Double(n) / Double(sampleRate))).rounded()))
        }
    }

    /// Digital silence, `ms` long.
    static func silence(ms: Int, sampleRate: Int) -> [Int16] {
        [Int16](repeating: 0, count: sampleRate * ms / 1000)
    }

    /// How often `samples` changes sign (strictly negative ↔ non-negative).
    static func zeroCrossings<T: BinaryFloatingPoint>(_ samples: [T]) -> Int {
        zip(samples, samples.dropFirst()).count { ($0 < 0) != ($1 < 0) }
    }

    /// The package root: the nearest directory above this file that holds Package.swift.
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            let parent = dir.deletingLastPathComponent()
            precondition(parent.path != dir.path, "no Package.swift above \(#filePath)")
            dir = parent
        }
        return dir
    }()

    /// `Scenarios/audio/<name>` in this package.
    static func scenarioAudio(_ name: String) -> String {
        Self.packageRoot.appendingPathComponent("Scenarios/audio").appendingPathComponent(name).path
    }

    /// A fresh path in the temporary directory, ending in `suffix`.
    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("chorus-audio-\(UUID().uuidString)\(suffix)").path
    }

    /// Writes a canonical 44-byte-header PCM16 WAV; `interleaved` holds `channels` samples per frame.
    static func writeWAV(path: String, sampleRate: Int, channels: Int, interleaved: [Int16]) throws {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        let payload = interleaved.count * 2
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + payload))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(1))  // PCM
        append(UInt16(channels))
        append(UInt32(sampleRate))
        append(UInt32(sampleRate * channels * 2))
        append(UInt16(channels * 2))
        append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(payload))
        for sample in interleaved { append(sample) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
