import ChorusDialects
import ChorusAudio
import ChorusTransport
import Foundation

/// Paths and clips that tests share.
public enum Fixtures {
    /// The package's root directory, found from this file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// A shipped audio file under Scenarios/audio.
    public static func audio(_ name: String) -> String { "\(packageRoot)/Scenarios/audio/\(name)" }

    /// The shipped caller utterances.
    public static let utteranceNames = ["book-a-table.wav", "change-time.wav", "ask-hours.wav", "goodbye.wav"]

    /// The shipped utterances loaded at `sampleRate` and cut into shared PCM16 frames.
    public static func sharedAudio(sampleRate: Int = 16000) throws -> SharedAudio {
        let clips = try utteranceNames.map { try Utterance.load(path: audio($0), sampleRate: sampleRate) }
        return SharedAudio(pcm16: clips, sampleRate: sampleRate)
    }

    /// A unique path under the temporary directory.
    public static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }
}
