/// Latency drift within one session: how TTFA (and voice-to-voice) moves with the turn index.
extension SessionResult {
    /// Fewest `ok` turns a session needs before its drift is fitted; below it the interval is meaningless.
    public static let minimumDriftTurns = 5

    /// The Theil–Sen slope of TTFA against turn index over the session's `ok` turns, ms per turn, with its 95 %
    /// rank interval; nil with fewer than `minimumDriftTurns` of them.
    public var ttfaDrift: TheilSen? { self.drift(\.ttfaMs) }

    /// The same for voice-to-voice latency (transports with a playout model); nil where it is not measured.
    public var voiceToVoiceDrift: TheilSen? { self.drift(\.voiceToVoiceMs) }

    private func drift(_ field: KeyPath<TurnResult, Double?>) -> TheilSen? {
        let points = self.turns.compactMap { turn -> (x: Double, y: Double)? in
            guard turn.outcome == .ok, let v = turn[keyPath: field], v.isFinite else { return nil }
            return (Double(turn.turnIndex), v)
        }
        guard points.count >= Self.minimumDriftTurns else { return nil }
        return TheilSen.fit(points)
    }
}
