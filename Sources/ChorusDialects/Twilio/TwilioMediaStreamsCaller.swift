import NIOCore

/// The messages Twilio sends to a Media Streams agent, written by a simulated caller (docs/dialects.md, `twilio`).
///
/// One value per call, owned by that call's event loop: it numbers messages as Twilio does. `sequenceNumber`
/// starts at "1" on `start` and grows by one on every later message; `media.chunk` starts at "1" and grows per
/// media message; both, and `media.timestamp`, are strings of digits (agents written against real Twilio parse
/// them as strings). Send `connected`, then `start`, then media (and `dtmf` / `mark` echoes), then `stop`.
public struct TwilioMediaStreamsCaller: Sendable {
    public let identity: TwilioIdentity
    /// `start.customParameters` (the TwiML `<Parameter>`s); Pipecat promotes `from_number` / `to_number`.
    public let customParameters: [String: String]
    /// The `sequenceNumber` the next numbered message will carry.
    public internal(set) var nextSequenceNumber = 1
    /// Media messages sent so far (the last `chunk`).
    public internal(set) var mediaChunkCount = 0

    /// `","streamSid":"MZ…","media":{"track":"inbound","chunk":"`: the per-call part of every media message.
    let mediaMiddle: [UInt8]
    /// Reused for `mediaMessage(frame:of:timestampMs:)`.
    var scratch = ByteBuffer()

    public init(identity: TwilioIdentity, customParameters: [String: String] = [:]) {
        self.identity = identity
        self.customParameters = customParameters
        var middle = "\","
        JSONValue.writeString("streamSid", to: &middle)
        middle += ":"
        JSONValue.writeString(identity.streamSid, to: &middle)
        middle += #","media":{"track":"inbound","chunk":""#
        self.mediaMiddle = Array(middle.utf8)
    }

    /// `connected`: the first message, once, without a sequence number.
    public func connected() -> String {
        JSONValue.object([("event", "connected"), ("protocol", "Call"), ("version", "1.0.0")]).serialized
    }

    /// `start`: right after `connected`, with the SIDs, the inbound track and the µ-law 8 kHz media format.
    public mutating func start() -> String {
        let parameters = self.customParameters.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }
        let start: JSONValue = [
            "streamSid": .string(self.identity.streamSid), "accountSid": .string(self.identity.accountSid),
            "callSid": .string(self.identity.callSid), "tracks": ["inbound"], "customParameters": .object(parameters),
            "mediaFormat": ["encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1],
        ]
        return self.numbered("start", body: start)
    }

    /// `media` carrying `payloadBase64` (µ-law 8 kHz). The general path; per frame use `writeMedia` instead.
    ///
    /// - Parameter timestampMs: milliseconds since the stream started, from the wall clock (agents derive barge-in
    ///   truncation offsets from it).
    public mutating func media(payloadBase64: String, timestampMs: Int) -> String {
        self.mediaChunkCount += 1
        let media: JSONValue = [
            "track": "inbound", "chunk": .string(String(self.mediaChunkCount)), "timestamp": .string(String(timestampMs)),
            "payload": .string(payloadBase64),
        ]
        return self.numbered("media", body: media)
    }

    /// `dtmf` for one key press (`0`–`9`, `*`, `#`).
    public mutating func dtmf(digit: Character) -> String {
        self.numbered("dtmf", body: ["track": "inbound_track", "digit": .string(String(digit))])
    }

    /// `mark` echo: the agent's audio queued before its mark named `name` has played, or a `clear` discarded it.
    public mutating func mark(name: String) -> String {
        self.numbered("mark", body: ["name": .string(name)])
    }

    /// `stop`: the caller hung up; close the socket after it.
    public mutating func stop() -> String {
        self.numbered(
            "stop", body: ["accountSid": .string(self.identity.accountSid), "callSid": .string(self.identity.callSid)])
    }

    private mutating func numbered(_ event: String, body: JSONValue) -> String {
        let sequenceNumber = self.nextSequenceNumber
        self.nextSequenceNumber += 1
        return JSONValue.object([
            ("event", .string(event)), ("sequenceNumber", .string(String(sequenceNumber))),
            ("streamSid", .string(self.identity.streamSid)), (event, body),
        ]).serialized
    }
}
