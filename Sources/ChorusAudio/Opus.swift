internal import COpus

/// What the Opus encoder and decoder share: the sample rates libopus accepts and its error text.
enum Opus {
    /// The only rates libopus encodes and decodes at.
    static let sampleRates: Set<Int> = [8000, 12000, 16000, 24000, 48000]

    static func checkRate(_ sampleRate: Int) throws {
        guard Self.sampleRates.contains(sampleRate) else {
            throw AudioError(
                .unsupportedSampleRate,
                "Opus works at 8000, 12000, 16000, 24000 or 48000 Hz, not \(sampleRate) Hz"
            )
        }
    }

    /// Throws when a ctl call returned an error code.
    static func check(_ code: Int32, _ what: String) throws {
        guard code == OPUS_OK else { throw Self.error(code, "cannot \(what)") }
    }

    /// An `AudioError` carrying libopus's `opus_strerror` text for `code`.
    static func error(_ code: Int32, _ what: String) -> AudioError {
        AudioError(.opus, "libopus: \(what): \(String(cString: opus_strerror(code))) (\(code))")
    }
}
