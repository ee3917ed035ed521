/// Numbers the talkspurts of one received RTP stream, so that each packet is tied to the agent response it is
/// part of.
///
/// A talkspurt begins with the marker bit (RFC 3551 §4.1) and its timestamps run on continuously with its sequence
/// numbers; between talkspurts the sequence number goes on by one while the timestamp jumps over the silence
/// (RFC 3550 §5.1). So a newer packet starts a talkspurt when it carries the marker or when its timestamp is
/// ahead of what its sequence number implies by a frame or more (the marker packet itself was lost). A late
/// packet from before the current talkspurt's first timestamp belongs to the previous one. Pure value logic.
public struct TalkspurtTracker: Sendable {
    /// What one packet is.
    public struct Placement: Sendable, Equatable {
        /// The talkspurt's number, from 0.
        public var ordinal: Int
        /// Whether the packet is the talkspurt's first (it carries the marker bit).
        public var isStart: Bool

        public init(ordinal: Int, isStart: Bool) {
            self.ordinal = ordinal
            self.isStart = isStart
        }
    }

    /// RTP timestamp units per packet of continuous audio.
    public let timestampIncrement: UInt32
    private var current = -1
    private var startTimestamp: UInt32 = 0
    private var lastSequence: UInt16 = 0
    private var lastTimestamp: UInt32 = 0

    public init(timestampIncrement: UInt32) {
        self.timestampIncrement = max(1, timestampIncrement)
    }

    /// Places one received packet.
    public mutating func place(sequence: UInt16, timestamp: UInt32, marker: Bool) -> Placement {
        guard self.current >= 0 else {
            self.current = 0
            self.startTimestamp = timestamp
            self.lastSequence = sequence
            self.lastTimestamp = timestamp
            return Placement(ordinal: 0, isStart: marker)
        }
        let seqDelta = Int16(bitPattern: sequence &- self.lastSequence)
        guard seqDelta > 0 else {
            // A reordered or duplicated packet: the current talkspurt if it is not older than its start.
            if Int32(bitPattern: timestamp &- self.startTimestamp) >= 0 {
                return Placement(ordinal: self.current, isStart: marker)
            }
            return Placement(ordinal: max(0, self.current - 1), isStart: false)
        }
        let expected = self.lastTimestamp &+ UInt32(seqDelta) &* self.timestampIncrement
        let jump = Int64(Int32(bitPattern: timestamp &- expected))
        self.lastSequence = sequence
        self.lastTimestamp = timestamp
        if (marker && timestamp != self.startTimestamp) || jump >= Int64(self.timestampIncrement) {
            self.current += 1
            self.startTimestamp = timestamp
            return Placement(ordinal: self.current, isStart: marker)
        }
        return Placement(ordinal: self.current, isStart: false)
    }
}
