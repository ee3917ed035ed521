/// One recorded clip, ready to stream in 20 ms frames: mono PCM16 at one rate, with its speech located.
///
/// Build it once at load time and share it: every per-frame view (`pcm16LEFrames()`, `muLawFrames()`,
/// `opusFrames()`) is meant to be computed once and then reused by every caller.
public struct Utterance: Sendable, Hashable {
    /// The file name without its directory, extension included (`book-a-table.wav`).
    public let name: String
    /// Samples per second.
    public let sampleRate: Int
    /// Mono PCM16 samples at `sampleRate`.
    public let samples: [Int16]
    /// Index of the first speech sample.
    public let speechStartSample: Int
    /// Index one past the last speech sample; trailing silence lies at and after it.
    public let speechEndSample: Int

    /// Creates an utterance from mono PCM16 and finds its speech with `SpeechDetector`.
    ///
    /// - Parameters:
    ///   - name: what to call the clip in results and errors.
    ///   - sampleRate: samples per second; it must be a multiple of 50 so that 20 ms is a whole number of samples.
    ///   - samples: mono PCM16.
    ///   - speechThresholdDBFS: the RMS level of a window that counts as speech.
    ///   - speechWindowMs: the length of those windows.
    /// - Throws: `AudioError` `.unsupportedSampleRate`, `.emptyAudio`, or `.noSpeech` when everything is quieter
    ///   than the threshold.
    public init(
        name: String, sampleRate: Int, samples: [Int16], speechThresholdDBFS: Double = -40, speechWindowMs: Int = 10
    ) throws {
        try self.init(
            name: name, source: name, sampleRate: sampleRate, samples: samples, threshold: speechThresholdDBFS,
            windowMs: speechWindowMs)
    }

    /// Creates an utterance whose speech bounds are already known.
    ///
    /// - Precondition: `sampleRate` is a positive multiple of 50 and `speech` is a non-empty range within `samples`.
    public init(name: String, sampleRate: Int, samples: [Int16], speech: Range<Int>) {
        precondition(sampleRate > 0 && sampleRate % 50 == 0, "sample rate \(sampleRate) is not a multiple of 50")
        precondition(
            !speech.isEmpty && speech.lowerBound >= 0 && speech.upperBound <= samples.count, "bad speech range")
        self.name = name
        self.sampleRate = sampleRate
        self.samples = samples
        self.speechStartSample = speech.lowerBound
        self.speechEndSample = speech.upperBound
    }

    /// `source` names the clip in errors: the file path when loading, else the name.
    init(name: String, source: String, sampleRate: Int, samples: [Int16], threshold: Double, windowMs: Int) throws {
        guard sampleRate > 0, sampleRate % 50 == 0 else {
            throw AudioError(
                .unsupportedSampleRate,
                "\(source): sample rate \(sampleRate) Hz is not a multiple of 50, so 20 ms frames would not be whole"
            )
        }
        guard !samples.isEmpty else {
            throw AudioError(.emptyAudio, "\(source): the audio holds no samples")
        }
        guard
            let speech = SpeechDetector.speechBounds(
                samples, sampleRate: sampleRate, thresholdDBFS: threshold, windowMs: windowMs)
        else {
            throw AudioError(
                .noSpeech, "\(source): no speech found, every \(windowMs) ms window is below \(threshold) dBFS")
        }
        self.init(name: name, sampleRate: sampleRate, samples: samples, speech: speech)
    }

    /// Samples per 20 ms frame (`sampleRate / 50`).
    public var frameSamples: Int { self.sampleRate / 50 }

    /// How many 20 ms frames the clip fills; the last one is zero-padded when the clip ends mid-frame.
    public var frameCount: Int { (self.samples.count + self.frameSamples - 1) / self.frameSamples }

    /// The frame holding the last speech sample (`speechEndSample - 1`): once it is sent, the caller has stopped
    /// talking (t_eos).
    public var lastSpeechFrameIndex: Int { (self.speechEndSample - 1) / self.frameSamples }

    /// The clip's length in milliseconds.
    public var durationMs: Double { Double(self.samples.count) * 1000 / Double(self.sampleRate) }

    /// Where speech ends, in milliseconds from the start of the clip.
    public var speechEndMs: Double { Double(self.speechEndSample) * 1000 / Double(self.sampleRate) }

    /// Frame `index` as exactly `frameSamples` samples, zero-padded past the end of the clip.
    ///
    /// - Precondition: `0 <= index < frameCount`.
    public func frame(_ index: Int) -> [Int16] {
        precondition(index >= 0 && index < self.frameCount, "frame \(index) out of 0..<\(self.frameCount)")
        let start = index * self.frameSamples
        let end = min(start + self.frameSamples, self.samples.count)
        var frame = Array(self.samples[start..<end])
        if frame.count < self.frameSamples {
            frame.append(contentsOf: repeatElement(0, count: self.frameSamples - frame.count))
        }
        return frame
    }

    /// Every frame as little-endian PCM16 bytes, `2 × frameSamples` bytes each.
    public func pcm16LEFrames() -> [[UInt8]] {
        (0..<self.frameCount).map { index in
            let frame = self.frame(index)
            return [UInt8](unsafeUninitializedCapacity: 2 * frame.count) { bytes, initialized in
                for (i, sample) in frame.enumerated() {
                    let bits = UInt16(bitPattern: sample)
                    bytes[2 * i] = UInt8(truncatingIfNeeded: bits)
                    bytes[2 * i + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                }
                initialized = 2 * frame.count
            }
        }
    }

    /// Every frame as G.711 µ-law, one byte per sample, at the clip's own rate (load at 8000 Hz for telephony).
    public func muLawFrames() -> [[UInt8]] {
        (0..<self.frameCount).map { G711.muLawEncode(self.frame($0)) }
    }
}
