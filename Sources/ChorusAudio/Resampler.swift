internal import CSampleRate

/// Sample-rate conversion of whole clips with libsamplerate (`src_simple`, `SRC_SINC_MEDIUM_QUALITY`).
///
/// Meant for load time, not for frames: it converts a whole mono buffer in one call.
public enum Resampler {
    /// `samples` (mono, nominally -1...1) converted from `from` Hz to `to` Hz.
    ///
    /// The output holds about `samples.count × to / from` samples. Equal rates return the input unchanged.
    /// - Throws: `AudioError` `.unsupportedSampleRate` for a non-positive rate or a ratio outside 1/256...256,
    ///   `.resampling` with libsamplerate's message when the conversion fails.
    public static func resample(_ samples: [Float], from: Int, to: Int) throws -> [Float] {
        guard from > 0, to > 0 else {
            throw AudioError(.unsupportedSampleRate, "cannot resample from \(from) Hz to \(to) Hz")
        }
        let ratio = Double(to) / Double(from)
        guard ratio >= 1.0 / 256, ratio <= 256 else {
            throw AudioError(
                .unsupportedSampleRate, "libsamplerate cannot convert \(from) Hz to \(to) Hz (ratio \(ratio))")
        }
        if from == to || samples.isEmpty { return samples }
        // A little slack: src_simple may emit a sample more than the rounded ratio.
        let capacity = Int((Double(samples.count) * ratio).rounded(.up)) + 16
        var status: Int32 = 0
        let output = samples.withUnsafeBufferPointer { input in
            [Float](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                var data = SRC_DATA()
                data.data_in = input.baseAddress
                data.data_out = buffer.baseAddress
                data.input_frames = input.count
                data.output_frames = capacity
                data.end_of_input = 1
                data.src_ratio = ratio
                status = src_simple(&data, Int32(SRC_SINC_MEDIUM_QUALITY), 1)
                initialized = status == 0 ? data.output_frames_gen : 0
            }
        }
        guard status == 0 else {
            throw AudioError(.resampling, "libsamplerate: \(String(cString: src_strerror(status)))")
        }
        return output
    }
}
