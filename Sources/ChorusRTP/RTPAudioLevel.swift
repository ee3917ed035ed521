/// The RFC 6464 client-to-mixer audio level carried in an RTP header extension.
///
/// `level` is the frame's level in −dBov (0 = loudest, 127 = −127 dBov or quieter, i.e. silence);
/// `voice` is the V bit, set when the sender's voice-activity detector thinks the frame holds speech.
public struct RTPAudioLevel: Sendable, Hashable {
    /// The level in −dBov, 0...127.
    public var level: UInt8
    /// The V bit: the sender judged the frame to contain voice.
    public var voice: Bool

    /// Creates a level; values above 127 are clamped to 127.
    public init(level: UInt8, voice: Bool) {
        self.level = min(level, 127)
        self.voice = voice
    }

    /// Creates a level from a frame's RMS level in dBov (dBFS, full scale = overload point): −dBov rounded and
    /// clamped to 0...127, so silence (`-infinity`) reads 127.
    public init(dbov: Double, voice: Bool) {
        let negated = -dbov
        let level: UInt8 =
            if negated.isNaN || negated >= 127 { 127 } else if negated <= 0 { 0 } else { UInt8(negated.rounded()) }
        self.init(level: level, voice: voice)
    }

    /// The extension's single data byte: V in the top bit, the level in the low seven.
    public var byte: UInt8 { (self.voice ? 0x80 : 0) | (self.level & 0x7F) }

    /// Decodes the extension's data byte.
    public init(byte: UInt8) {
        self.init(level: byte & 0x7F, voice: byte & 0x80 != 0)
    }
}
