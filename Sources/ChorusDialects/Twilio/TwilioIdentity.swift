/// The three Twilio identifiers of one simulated call: stream, account and call SIDs.
///
/// Real SIDs are a two-letter type prefix and 32 lowercase hex digits (34 characters); agents sometimes validate
/// or log them, so Chorus makes them look real. Generated from the caller's seeded generator, so runs repeat.
public struct TwilioIdentity: Sendable, Hashable {
    /// `MZ…`: names the media stream; every message in both directions carries it.
    public var streamSid: String
    /// `AC…`: the account (the same for every call of a run is realistic; callers may share one).
    public var accountSid: String
    /// `CA…`: the call.
    public var callSid: String

    public init(streamSid: String, accountSid: String, callSid: String) {
        self.streamSid = streamSid
        self.accountSid = accountSid
        self.callSid = callSid
    }

    /// Fresh random SIDs from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> TwilioIdentity {
        TwilioIdentity(
            streamSid: Self.sid("MZ", using: &generator), accountSid: Self.sid("AC", using: &generator),
            callSid: Self.sid("CA", using: &generator))
    }

    /// `prefix` followed by 32 random lowercase hex digits.
    public static func sid(_ prefix: String, using generator: inout some RandomNumberGenerator) -> String {
        let high = generator.next()
        let low = generator.next()
        return prefix + Self.hex16(high) + Self.hex16(low)
    }

    /// Whether `sid` is `prefix` followed by exactly 32 hex digits.
    public static func isValid(_ sid: String, prefix: String) -> Bool {
        guard sid.hasPrefix(prefix) else { return false }
        let digits = sid.utf8.dropFirst(prefix.utf8.count)
        return digits.count == 32 && digits.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    private static func hex16(_ value: UInt64) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
