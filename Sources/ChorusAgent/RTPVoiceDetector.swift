/// The reference agent's end-of-speech detector for one RTP source.
///
/// Each packet is voiced or not (RFC 6464 V bit, or decoded RMS against the threshold); `hangoverNs` of unvoiced
/// audio after voiced packets ends the utterance, which ended at the arrival of the last voiced packet in media
/// order. Silence is counted in media time (packets × their duration), as a frame-based VAD hears it, not as gaps
/// between arrivals: a network stall that holds packets back is not silence, and a voiced packet that a reordering
/// link delivers late does not move the end of speech.
struct RTPVoiceDetector: Sendable {
    /// Silence after speech that ends an utterance, nanoseconds.
    let hangoverNs: Int64
    /// Audio per packet, nanoseconds.
    let packetNs: Int64
    /// Whether speech has been heard since the last end of utterance.
    private(set) var inSpeech = false
    /// Arrival time of the last voiced packet in media order.
    private(set) var lastVoicedNs: Int64 = 0
    private var lastVoicedSequence: UInt16 = 0
    private var silentNs: Int64 = 0

    init(hangoverMs: Double, packetMs: Double = 20) {
        self.hangoverNs = Int64(max(0, hangoverMs) * 1e6)
        self.packetNs = Int64(max(1, packetMs) * 1e6)
    }

    /// Feeds one packet with sequence number `sequence`; returns the end-of-speech time (the last voiced packet's
    /// arrival) when this packet completes the hangover, nil otherwise.
    mutating func hear(voiced: Bool, sequence: UInt16, atNs nowNs: Int64) -> Int64? {
        let newer = !self.inSpeech || Int16(bitPattern: sequence &- self.lastVoicedSequence) > 0
        if voiced {
            guard newer else { return nil }
            self.inSpeech = true
            self.lastVoicedNs = nowNs
            self.lastVoicedSequence = sequence
            self.silentNs = 0
            return nil
        }
        guard self.inSpeech, newer else { return nil }
        self.silentNs += self.packetNs
        guard self.silentNs >= self.hangoverNs else { return nil }
        self.inSpeech = false
        return self.lastVoicedNs
    }
}
