#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Utterance {
    /// Loads a WAV, FLAC or OGG/Vorbis file: mixed down to mono, resampled to `sampleRate` when the file's rate
    /// differs, converted to PCM16 with clipping, and with its speech located.
    ///
    /// - Parameters:
    ///   - path: the audio file.
    ///   - sampleRate: the rate to stream at; a multiple of 50 (8000, 16000, 24000, 48000 …).
    ///   - speechThresholdDBFS: the RMS level of a window that counts as speech (see `SpeechDetector`).
    ///   - speechWindowMs: the length of those windows.
    /// - Throws: `AudioError` naming `path`: `.fileNotFound`, `.unreadableFile` (with libsndfile's reason),
    ///   `.emptyAudio`, `.noSpeech`, `.unsupportedSampleRate`, or `.resampling`.
    public static func load(
        path: String, sampleRate: Int, speechThresholdDBFS: Double = -40, speechWindowMs: Int = 10
    ) throws -> Utterance {
        guard sampleRate > 0, sampleRate % 50 == 0 else {
            throw AudioError(
                .unsupportedSampleRate,
                "\(path): cannot stream at \(sampleRate) Hz, which is not a multiple of 50 (20 ms frames must be whole)"
            )
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw AudioError(.fileNotFound, "audio file not found: \(path)")
        }
        let file = try AudioFileReader.readMono(path: path)
        guard !file.samples.isEmpty else {
            throw AudioError(.emptyAudio, "\(path): the file holds no audio frames")
        }
        let floats: [Float]
        do {
            floats = try Resampler.resample(file.samples, from: file.sampleRate, to: sampleRate)
        } catch let error as AudioError {
            throw AudioError(error.code, "\(path): \(error.message)")
        }
        // Float files may hold NaN or infinities, which Int(_:) would trap on.
        let pcm = floats.map { $0.isFinite ? Int16(clamping: Int(($0 * 32768).rounded())) : 0 }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return try Utterance(
            name: name, source: path, sampleRate: sampleRate, samples: pcm, threshold: speechThresholdDBFS,
            windowMs: speechWindowMs)
    }
}
