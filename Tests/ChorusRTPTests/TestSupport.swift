import ChorusRTP

func parseRTP(_ bytes: [UInt8], audioLevelID: UInt8 = 1) -> Result<RTPPacketView, RTPParseError> {
    bytes.withUnsafeBytes { RTPHeader.parse($0, audioLevelID: audioLevelID) }
}

func parseRTCP(_ bytes: [UInt8]) -> Result<[RTCPPacket], RTPParseError> {
    bytes.withUnsafeBytes { RTCPPacket.parseCompound($0) }
}

func ms(_ value: Int64) -> Int64 { value * 1_000_000 }
