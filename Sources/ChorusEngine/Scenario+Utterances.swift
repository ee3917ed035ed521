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

    /// Loads every utterance of `session.utterances` at `sampleRate`.
    /// - Throws: `TargetProblem` naming every unreadable file at once.
    public func loadUtterances(sampleRate: Int) throws -> [Utterance] {
        var problems: [String] = []
        var clips: [Utterance] = []
        for path in self.session.utterances {
            do {
                clips.append(try self.utterance(path: path, sampleRate: sampleRate))
            } catch {
                problems.append("\(self.path): session.utterances: \(error)")
            }
        }
        if !problems.isEmpty { throw TargetProblem(description: problems.joined(separator: "\n")) }
        return clips
    }
}
