internal import CSndFile

/// Reads whole audio files through libsndfile, as mono Float at the file's own rate.
enum AudioFileReader {
    /// A file's audio, mixed down to mono by averaging its channels; nominally -1...1.
    struct MonoAudio {
        var sampleRate: Int
        var samples: [Float]
    }

    /// Reads every frame of `path`.
    ///
    /// - Throws: `AudioError.Code.unreadableFile` with libsndfile's `sf_strerror` text and the path.
    static func readMono(path: String) throws -> MonoAudio {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw AudioError(.unreadableFile, "cannot read audio file \(path): \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(file) }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else {
            throw AudioError(
                .unreadableFile, "cannot read audio file \(path): \(channels) channels at \(info.samplerate) Hz")
        }
        // Read in chunks rather than trusting info.frames, which some containers only estimate.
        let chunkFrames = 16_384
        var interleaved = [Float](repeating: 0, count: chunkFrames * channels)
        var mono: [Float] = []
        if info.frames > 0, info.frames < 1 << 28 { mono.reserveCapacity(Int(info.frames)) }
        while true {
            let read = interleaved.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(file, $0.baseAddress, sf_count_t(chunkFrames)))
            }
            if read <= 0 { break }
            if channels == 1 {
                mono.append(contentsOf: interleaved[0..<read])
            } else {
                let scale = 1 / Float(channels)
                for frame in 0..<read {
                    var sum: Float = 0
                    for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
                    mono.append(sum * scale)
                }
            }
        }
        if sf_error(file) != 0 {
            throw AudioError(.unreadableFile, "cannot read audio file \(path): \(String(cString: sf_strerror(file)))")
        }
        return MonoAudio(sampleRate: Int(info.samplerate), samples: mono)
    }
}
