/// One media section: an `m=` line and the lines after it up to the next `m=` (RFC 8866 §5.14).
public struct SDPMediaSection: Sendable, Hashable {
    /// `a=rtpmap:<payload type> <encoding>/<clock rate>[/<channels>]` (RFC 8866 §6.6).
    public struct RTPMap: Sendable, Hashable {
        /// The RTP payload type, 0...127.
        public var payloadType: UInt8
        /// The encoding name as written (`opus`, `OPUS`, `PCMU`); compare without case.
        public var encoding: String
        /// The RTP clock rate in Hz (48000 for Opus whatever its sample rate, RFC 7587 §7).
        public var clockRate: Int
        /// Audio channels; 1 when the line has none.
        public var channels: Int

        /// A mapping with every field given.
        public init(payloadType: UInt8, encoding: String, clockRate: Int, channels: Int = 1) {
            self.payloadType = payloadType
            self.encoding = encoding
            self.clockRate = clockRate
            self.channels = channels
        }

        /// Reads `111 opus/48000/2`; nil if the payload type, encoding or a number cannot be read.
        public static func parse(_ value: some StringProtocol) -> RTPMap? {
            let words = SDPSyntax.words(Substring(value))
            guard words.count >= 2, let payloadType = UInt8(words[0]), payloadType < 128 else { return nil }
            let parts = words[1].split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 2, !parts[0].isEmpty, let clockRate = Int(parts[1]), clockRate > 0 else { return nil }
            var channels = 1
            if parts.count >= 3 {
                guard let count = Int(parts[2]), count > 0 else { return nil }
                channels = count
            }
            return RTPMap(
                payloadType: payloadType,
                encoding: String(parts[0]),
                clockRate: clockRate,
                channels: channels
            )
        }
    }

    /// `a=extmap:<id>[/<direction>] <uri>` (RFC 8285 §5): an RTP header extension and the id it uses here.
    public struct ExtensionMap: Sendable, Hashable {
        /// The extension's id in packets (1...14 for one-byte headers, up to 255 for two-byte ones).
        public var id: Int
        /// The direction after the id, when given.
        public var direction: SDPDirection?
        /// The extension's URI, such as `urn:ietf:params:rtp-hdrext:ssrc-audio-level`.
        public var uri: String

        /// A mapping with every field given.
        public init(id: Int, direction: SDPDirection? = nil, uri: String) {
            self.id = id
            self.direction = direction
            self.uri = uri
        }

        /// Reads `1 urn:…` or `1/sendrecv urn:…`; nil when the id is not 1...4095 or the URI is missing.
        public static func parse(_ value: some StringProtocol) -> ExtensionMap? {
            let words = SDPSyntax.words(Substring(value))
            guard words.count >= 2 else { return nil }
            let (idText, directionText) = SDPSyntax.splitOnce(words[0], at: "/")
            guard let id = Int(idText), (1...4095).contains(id) else { return nil }
            return ExtensionMap(
                id: id,
                direction: directionText.flatMap { SDPDirection(rawValue: $0.lowercased()) },
                uri: String(words[1])
            )
        }
    }

    /// `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576 §4.1), e.g. `cname`.
    public struct Source: Sendable, Hashable {
        /// The synchronisation source.
        public var ssrc: UInt32
        /// The source attribute's name, such as `cname` or `msid`.
        public var name: String
        /// The source attribute's value, if any.
        public var value: String?

        /// A source attribute with every field given.
        public init(ssrc: UInt32, name: String, value: String?) {
            self.ssrc = ssrc
            self.name = name
            self.value = value
        }

        /// Reads `1234 cname:abc`; nil when the SSRC does not fit 32 bits or the attribute is missing.
        public static func parse(_ value: some StringProtocol) -> Source? {
            let (ssrcText, rest) = SDPSyntax.splitOnce(SDPSyntax.trimmed(Substring(value)), at: " ")
            guard let ssrc = UInt32(ssrcText), let rest else { return nil }
            let (name, attributeValue) = SDPSyntax.splitOnce(SDPSyntax.trimmed(rest), at: ":")
            guard !name.isEmpty else { return nil }
            return Source(ssrc: ssrc, name: String(name), value: attributeValue.map { String(SDPSyntax.trimmed($0)) })
        }
    }

    /// The `m=` line's value as written, for errors that quote it.
    public var line: String
    /// The media type in lower case: `audio`, `video`, `application`.
    public var kind: String
    /// The port; 0 rejects the section (unless it is `bundle-only`), nil when the line could not be read.
    public var port: Int?
    /// The transport protocol, such as `UDP/TLS/RTP/SAVPF`.
    public var profile: String
    /// The format list: RTP payload types for RTP profiles.
    public var formats: [String]
    /// The address of this section's `c=` line, if it has one.
    public var connectionAddress: String?
    /// Every `a=` line of the section, in order.
    public var attributes: [SDPAttribute] = []
    /// ICE and DTLS attributes written in this section (without the session's).
    public var transport = SDPTransportAttributes()
    /// `a=mid`: the section's identification tag (RFC 5888), which BUNDLE groups list.
    public var mid: String?
    /// The direction attribute, if written; RFC 8866 §6.7 makes `sendrecv` the default.
    public var direction: SDPDirection?
    /// `a=rtcp-mux`: RTP and RTCP share one port (RFC 5761 §5.1.3).
    public var rtcpMux = false
    /// `a=rtcp-mux-only` (RFC 8858).
    public var rtcpMuxOnly = false
    /// `a=bundle-only` (RFC 8843 §6): port 0 here does not reject the section; it rides on the BUNDLE transport.
    public var bundleOnly = false
    /// Every readable `a=rtpmap`, in order.
    public var rtpMaps: [RTPMap] = []
    /// `a=fmtp` parameters by payload type, as written (`minptime=10;useinbandfec=1`).
    public var formatParameters: [UInt8: String] = [:]
    /// Every readable `a=extmap`, in order.
    public var extensionMaps: [ExtensionMap] = []
    /// Every readable `a=candidate`, in order.
    public var candidates: [SDPCandidate] = []
    /// How many `a=candidate` lines could not be read.
    public var unreadableCandidateCount = 0
    /// Every readable `a=ssrc`, in order.
    public var sources: [Source] = []

    /// A section read from the value of an `m=` line (`audio 9 UDP/TLS/RTP/SAVPF 111 0`). A line that cannot be
    /// read still opens a section, with a nil port, so the lines after it are not taken for another section's.
    public init(mLine value: some StringProtocol) {
        let words = SDPSyntax.words(Substring(value))
        self.line = String(value)
        self.kind = words.first.map { $0.lowercased() } ?? ""
        self.profile = words.count > 2 ? String(words[2]) : ""
        self.formats = words.count > 3 ? words[3...].map(String.init) : []
        if words.count > 2, let port = Int(SDPSyntax.splitOnce(words[1], at: "/").0), (0...65535).contains(port) {
            self.port = port
        }
    }

    /// True when the answerer turned the section down: port 0 without `a=bundle-only` (RFC 8866 §5.14, RFC 3264 §6).
    public var isRejected: Bool {
        self.port == 0 && !self.bundleOnly
    }

    /// The payload types in the `m=` line, in order, skipping anything that is not 0...127.
    public var payloadTypes: [UInt8] {
        self.formats.compactMap { UInt8($0) }.filter { $0 < 128 }
    }

    /// The mapping for `payloadType`: its `a=rtpmap`, or for static types without one their RFC 3551 default
    /// (0 PCMU/8000, 8 PCMA/8000, 9 G722/8000).
    public func rtpMap(for payloadType: UInt8) -> RTPMap? {
        if let written = self.rtpMaps.first(where: { $0.payloadType == payloadType }) { return written }
        switch payloadType {
        case 0: return RTPMap(payloadType: 0, encoding: "PCMU", clockRate: 8000)
        case 8: return RTPMap(payloadType: 8, encoding: "PCMA", clockRate: 8000)
        case 9: return RTPMap(payloadType: 9, encoding: "G722", clockRate: 8000)
        default: return nil
        }
    }

    /// Records one `a=` line of this section.
    /// - Parameters:
    ///   - name: the attribute name as written.
    ///   - value: the trimmed text after the first colon, if any.
    mutating func record(name: Substring, value: Substring?) {
        self.attributes.append(SDPAttribute(name: String(name), value: value.map(String.init)))
        let key = name.lowercased()
        if self.transport.record(name: key, value: value) { return }
        switch key {
        case "mid": self.mid = value.map(String.init)
        case "sendrecv", "sendonly", "recvonly", "inactive": self.direction = SDPDirection(rawValue: key)
        case "rtcp-mux": self.rtcpMux = true
        case "rtcp-mux-only": self.rtcpMuxOnly = true
        case "bundle-only": self.bundleOnly = true
        case "rtpmap":
            if let value, let map = RTPMap.parse(value) { self.rtpMaps.append(map) }
        case "fmtp":
            guard let value else { return }
            let (typeText, parameters) = SDPSyntax.splitOnce(value, at: " ")
            if let payloadType = UInt8(typeText), payloadType < 128, self.formatParameters[payloadType] == nil {
                self.formatParameters[payloadType] = parameters.map { String(SDPSyntax.trimmed($0)) } ?? ""
            }
        case "extmap":
            if let value, let map = ExtensionMap.parse(value) { self.extensionMaps.append(map) }
        case "candidate":
            if let value, let candidate = SDPCandidate.parse(value) {
                self.candidates.append(candidate)
            } else {
                self.unreadableCandidateCount += 1
            }
        case "ssrc":
            if let value, let source = Source.parse(value) { self.sources.append(source) }
        default: break
        }
    }
}
