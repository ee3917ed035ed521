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

    /// Loads `session.barge_in.utterance` at `sampleRate`; nil when the scenario scripts no interruptions.
    /// - Throws: `TargetProblem` naming the file.
    public func loadBargeInUtterance(sampleRate: Int) throws -> Utterance? {
        guard let path = self.session.bargeIn?.utterance else { return nil }
        do {
            return try self.utterance(path: path, sampleRate: sampleRate)
        } catch {
            throw TargetProblem(description: "\(self.path): session.barge_in.utterance: \(error)")
        }
    }
}
