/// The reference agent's end-of-speech detector for one RTP source.
///
/// Each packet is voiced or not (RFC 6464 V bit, or decoded RMS against the threshold); `hangoverNs` of unvoiced
/// packets after voiced ones end the utterance, which ended at the last voiced packet's arrival. Times are
/// arrival times, as the WebSocket agent's VAD uses.
struct RTPVoiceDetector: Sendable {
    /// Silence after speech that ends an utterance, nanoseconds.
    let hangoverNs: Int64
    /// Whether speech has been heard since the last end of utterance.
    private(set) var inSpeech = false
    /// Arrival time of the last voiced packet.
    private(set) var lastVoicedNs: Int64 = 0

    init(hangoverMs: Double) {
        self.hangoverNs = Int64(max(0, hangoverMs) * 1e6)
    }

    /// Feeds one packet; returns the end-of-speech time (the last voiced packet's arrival) when this packet
    /// completes the hangover, nil otherwise.
    mutating func hear(voiced: Bool, atNs nowNs: Int64) -> Int64? {
        if voiced {
            self.inSpeech = true
            self.lastVoicedNs = nowNs
            return nil
        }
        guard self.inSpeech, nowNs - self.lastVoicedNs >= self.hangoverNs else { return nil }
        self.inSpeech = false
        return self.lastVoicedNs
    }
}
