import ChorusDialects

extension SharedAudio {
    /// What the call flow needs to know of each clip.
    public var clipShapes: [CallFlow.ClipShape] {
        self.clips.map {
            CallFlow.ClipShape(
                name: $0.name, frameCount: $0.frames.count, lastSpeechFrame: $0.lastSpeechFrame,
                firstSpeechFrame: $0.firstSpeechFrame)
        }
    }
}
