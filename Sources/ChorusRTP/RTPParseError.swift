/// Why an RTP or RTCP packet was rejected. Parsing never traps: every malformed input maps to one of these.
///
/// An enum without payload strings, so a rejected packet on the receive path costs no allocation.
public enum RTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The packet ends before a field its header announces (`needed` bytes, only `available`).
    case truncated(needed: Int, available: Int)
    /// The version field is not 2.
    case unsupportedVersion(UInt8)
    /// The P bit is set but the last byte's pad count is 0 or larger than the room after the header.
    case invalidPadding(count: Int)
    /// A header-extension element runs past the end of the extension block.
    case invalidExtension
    /// An RTCP packet's length field disagrees with the bytes present or with its report count.
    case invalidRTCPLength(packetType: UInt8)
    /// The bytes are not RTCP: a packet type outside 192...223 (RFC 5761 demultiplexing range).
    case notRTCP(packetType: UInt8)
    /// An SDES chunk or item runs past its packet.
    case invalidSourceDescription
    /// A BYE reason runs past its packet.
    case invalidBye
    /// A compound RTCP packet with no packet in it.
    case emptyCompound

    /// A short explanation for logs.
    public var description: String {
        switch self {
        case .truncated(let needed, let available): "truncated: needs \(needed) bytes, has \(available)"
        case .unsupportedVersion(let version): "unsupported RTP version \(version)"
        case .invalidPadding(let count): "invalid padding count \(count)"
        case .invalidExtension: "header extension element overruns the extension"
        case .invalidRTCPLength(let type): "RTCP packet type \(type): length field inconsistent"
        case .notRTCP(let type): "packet type \(type) is not RTCP"
        case .invalidSourceDescription: "SDES chunk overruns the packet"
        case .invalidBye: "BYE reason overruns the packet"
        case .emptyCompound: "empty compound RTCP packet"
        }
    }
}
