extension Utterance {
    /// Every 20 ms frame encoded once with one fresh encoder, in order, so the packets form one continuous stream.
    ///
    /// - Parameters:
    ///   - bitrate: target bits per second.
    ///   - complexity: 0...10.
    ///   - fec: in-band forward error correction.
    ///   - expectedLossPercent: the loss the encoder plans FEC for; FEC data is only sent when it is above 0.
    /// - Throws: `AudioError.Code.unsupportedSampleRate` unless the clip is at 8000, 12000, 16000, 24000 or 48000 Hz;
    ///   `.opus` when libopus fails.
    public func opusFrames(bitrate: Int = 24000, complexity: Int = 5, fec: Bool = true, expectedLossPercent: Int = 10)
        throws
        -> [[UInt8]]
    {
        guard Opus.sampleRates.contains(self.sampleRate) else {
            throw AudioError(
                .unsupportedSampleRate,
                "\(self.name): Opus works at 8000, 12000, 16000, 24000 or 48000 Hz, not \(self.sampleRate) Hz"
            )
        }
        let encoder = try OpusEncoder(
            sampleRate: self.sampleRate, bitrate: bitrate, complexity: complexity, fec: fec,
            expectedLossPercent: expectedLossPercent
        )
        return try (0..<self.frameCount).map { try encoder.encode(self.frame($0)) }
    }
}
