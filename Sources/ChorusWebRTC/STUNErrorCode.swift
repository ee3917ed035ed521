/// The value of an ERROR-CODE attribute (RFC 8489 §14.8): a code in 300...699 and a reason phrase.
public struct STUNErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// 400 Bad Request: the request was malformed.
    public static let badRequest = STUNErrorCode(code: 400, reason: "Bad Request")
    /// 401 Unauthenticated: MESSAGE-INTEGRITY is missing or wrong.
    public static let unauthenticated = STUNErrorCode(code: 401, reason: "Unauthenticated")
    /// 420 Unknown Attribute: a comprehension-required attribute was not understood.
    public static let unknownAttribute = STUNErrorCode(code: 420, reason: "Unknown Attribute")
    /// 487 Role Conflict: both ICE agents claimed the same role (RFC 8445 §7.3.1.1).
    public static let roleConflict = STUNErrorCode(code: 487, reason: "Role Conflict")

    /// The error code, 300...699.
    public var code: Int
    /// A UTF-8 reason phrase for people (at most 127 characters per RFC 8489).
    public var reason: String

    /// An error `code` (300...699) with a `reason` phrase.
    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The hundreds digit, 3...6, written in the attribute's Class field.
    public var errorClass: Int { self.code / 100 }
    /// The code modulo 100, written in the attribute's Number field.
    public var number: Int { self.code % 100 }

    /// "487 Role Conflict".
    public var description: String { "\(self.code) \(self.reason)" }
}
