/// An audio format of the OpenAI Realtime API (GA `audio.input.format` / `audio.output.format`).
public enum OpenAIRealtimeAudioFormat: String, Sendable, Hashable, CaseIterable {
    /// PCM16 little-endian mono at 24 kHz, the only PCM rate the API accepts.
    case pcm = "audio/pcm"
    /// G.711 µ-law, 8 kHz: the same bytes as a Twilio payload.
    case pcmu = "audio/pcmu"
    /// G.711 A-law, 8 kHz.
    case pcma = "audio/pcma"

    /// Samples per second.
    public var sampleRate: Int { self == .pcm ? 24_000 : 8_000 }

    /// Bytes per millisecond of audio: 48 for PCM, 8 for G.711. Turns played bytes into `audio_end_ms`.
    public var bytesPerMillisecond: Int { self == .pcm ? 48 : 8 }

    /// Bytes in one 20 ms frame: 960 for PCM, 160 for G.711.
    public var frameBytes: Int { 20 * self.bytesPerMillisecond }

    /// One 20 ms frame of digital silence (PCM zeros, µ-law 0xFF, A-law 0xD5).
    public var silenceFrame: [UInt8] {
        switch self {
        case .pcm: return [UInt8](repeating: 0, count: self.frameBytes)
        case .pcmu: return [UInt8](repeating: 0xFF, count: self.frameBytes)
        case .pcma: return [UInt8](repeating: 0xD5, count: self.frameBytes)
        }
    }

    /// The GA object: `{"type":"audio/pcm","rate":24000}` or `{"type":"audio/pcmu"}`.
    public var json: JSONValue {
        self == .pcm ? ["type": "audio/pcm", "rate": 24_000] : ["type": .string(self.rawValue)]
    }

    /// The legacy beta string (`pcm16`, `g711_ulaw`, `g711_alaw`), recognised when decoding only.
    public var betaName: String {
        switch self {
        case .pcm: return "pcm16"
        case .pcmu: return "g711_ulaw"
        case .pcma: return "g711_alaw"
        }
    }

    /// Reads a GA format object or a beta format string.
    init?(json: JSONValue) {
        if let name = json.stringValue {
            guard let format = Self.allCases.first(where: { $0.betaName == name }) else { return nil }
            self = format
        } else if let type = json["type"]?.stringValue, let format = Self(rawValue: type) {
            self = format
        } else {
            return nil
        }
    }
}
