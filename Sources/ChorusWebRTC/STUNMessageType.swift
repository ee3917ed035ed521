/// The 14-bit message type of a STUN header: a class and a 12-bit method, their bits interleaved (RFC 8489 §5).
///
/// ```
///  0                 1
///  2  3  4 5 6 7 8 9 0 1 2 3 4 5
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
/// |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct STUNMessageType: Sendable, Hashable, CustomStringConvertible {
    /// Whether a message asks, answers or only informs.
    public enum Class: UInt8, Sendable, Hashable {
        /// Expects a success or error response with the same transaction id.
        case request = 0b00
        /// Expects no response (ICE consent and keepalives may use Binding indications).
        case indication = 0b01
        /// A success response to a request.
        case successResponse = 0b10
        /// An error response to a request; carries ERROR-CODE.
        case errorResponse = 0b11
    }

    /// The Binding method, the only one ICE uses.
    public static let bindingMethod: UInt16 = 0x001
    /// A Binding request: an ICE connectivity check.
    public static let bindingRequest = STUNMessageType(messageClass: .request, method: bindingMethod)
    /// A Binding success response: carries XOR-MAPPED-ADDRESS.
    public static let bindingSuccess = STUNMessageType(messageClass: .successResponse, method: bindingMethod)
    /// A Binding error response: carries ERROR-CODE (487 Role Conflict in ICE).
    public static let bindingError = STUNMessageType(messageClass: .errorResponse, method: bindingMethod)
    /// A Binding indication: a keepalive that needs no answer.
    public static let bindingIndication = STUNMessageType(messageClass: .indication, method: bindingMethod)

    /// The message class.
    public var messageClass: Class
    /// The method, 0...0xFFF (Binding is 0x001).
    public var method: UInt16

    /// A message type of `messageClass` for `method` (only its low 12 bits are kept).
    public init(messageClass: Class, method: UInt16) {
        self.messageClass = messageClass
        self.method = method & 0x0FFF
    }

    /// The type encoded in the first 16 bits of a header (its top two bits are ignored: the parser checks them).
    public init(rawValue: UInt16) {
        let method = (rawValue & 0x000F) | ((rawValue & 0x00E0) >> 1) | ((rawValue & 0x3E00) >> 2)
        let classBits = UInt8(truncatingIfNeeded: ((rawValue & 0x0010) >> 4) | ((rawValue & 0x0100) >> 7))
        self.init(messageClass: Class(rawValue: classBits)!, method: method)
    }

    /// The 14-bit value written in the header.
    public var rawValue: UInt16 {
        let classBits = UInt16(self.messageClass.rawValue)
        return (self.method & 0x000F) | ((self.method & 0x0070) << 1) | ((self.method & 0x0F80) << 2)
            | ((classBits & 0b01) << 4) | ((classBits & 0b10) << 7)
    }

    /// "Binding request", "Binding success response", or the method number for others.
    public var description: String {
        let method = self.method == Self.bindingMethod ? "Binding" : "method 0x\(String(self.method, radix: 16))"
        switch self.messageClass {
        case .request: return "\(method) request"
        case .indication: return "\(method) indication"
        case .successResponse: return "\(method) success response"
        case .errorResponse: return "\(method) error response"
        }
    }
}
