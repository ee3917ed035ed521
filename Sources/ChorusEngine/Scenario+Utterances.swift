import ChorusAudio

extension Scenario {
    /// Loads the audio file at `path` at `sampleRate`, its speech found by this scenario's end-of-speech rule
    /// (`session.speech_threshold`, `session.speech_window`; docs/end-of-speech.md).
    /// - Throws: `AudioError` naming `path`.
    public func utterance(path: String, sampleRate: Int) throws -> Utterance {
        try Utterance.load(
            path: path, sampleRate: sampleRate, speechThresholdDBFS: self.session.speechThresholdDBFS,
            speechWindowMs: self.session.speechWindowMs)
    }
}
