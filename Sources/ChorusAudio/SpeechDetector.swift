/// Finds where speech starts and ends in a clip, once, at load time.
///
/// Energy based, with no smoothing: the clip is cut into windows of `windowMs` (10 ms unless the scenario sets
/// `session.speech_window`; the last window may be shorter), and a window is speech when its RMS level is at least
/// `thresholdDBFS` (−40 unless `session.speech_threshold` says otherwise; docs/end-of-speech.md). The bounds are then refined to the sample:
/// the start is the first sample of the first speech window whose magnitude reaches the threshold's linear
/// amplitude (`32768 × 10^(thresholdDBFS/20)`), and the end is one past the last such sample of the last speech
/// window. Anything between the first and last speech windows counts as speech, pauses included. A single loud
/// click is speech too; recorded clips are expected to be clean.
public enum SpeechDetector {
    /// The sample range holding speech, or nil when no window reaches `thresholdDBFS`.
    ///
    /// - Parameters:
    ///   - samples: mono PCM16.
    ///   - sampleRate: samples per second, which with `windowMs` sets the window length.
    ///   - thresholdDBFS: the RMS level (dBFS, full scale 32768) at which a window counts as speech.
    ///   - windowMs: the window length in milliseconds, rounded down to whole samples (at least one); windows
    ///     start at the clip's first sample.
    public static func speechBounds(
        _ samples: [Int16], sampleRate: Int, thresholdDBFS: Double, windowMs: Int = 10
    ) -> Range<Int>? {
        let window = max(1, sampleRate * windowMs / 1000)
        let amplitude = AudioLevel.amplitude(dbfs: thresholdDBFS)
        return samples.withUnsafeBufferPointer { all -> Range<Int>? in
            func isSpeech(_ start: Int) -> Bool {
                let end = min(start + window, all.count)
                return AudioLevel.rmsDBFS(UnsafeBufferPointer(rebasing: all[start..<end])) >= thresholdDBFS
            }
            let windowStarts = stride(from: 0, to: all.count, by: window)
            guard let first = windowStarts.first(where: isSpeech),
                let last = windowStarts.reversed().first(where: isSpeech)
            else { return nil }
            // A window whose RMS reaches the threshold has a sample that does, so the fallbacks are unreachable.
            let firstWindow = first..<min(first + window, all.count)
            let lastWindow = last..<min(last + window, all.count)
            let start = firstWindow.first { Double(abs(Int(all[$0]))) >= amplitude } ?? firstWindow.lowerBound
            let end =
                lastWindow.reversed().first { Double(abs(Int(all[$0]))) >= amplitude } ?? (lastWindow.upperBound - 1)
            return start..<(end + 1)
        }
    }
}
