import ChorusRTP

/// SplitMix64: a tiny seeded generator so fuzz inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func parseRTP(_ bytes: [UInt8], audioLevelID: UInt8 = 1) -> Result<RTPPacketView, RTPParseError> {
    bytes.withUnsafeBytes { RTPHeader.parse($0, audioLevelID: audioLevelID) }
}

func parseRTCP(_ bytes: [UInt8]) -> Result<[RTCPPacket], RTPParseError> {
    bytes.withUnsafeBytes { RTCPPacket.parseCompound($0) }
}

func ms(_ value: Int64) -> Int64 { value * 1_000_000 }
