/// A session description read from any remote SDP, offer or answer (RFC 8866): the session-level lines and each
/// media section.
///
/// Reading is lenient, as peers are: LF or CRLF (or CR) line ends, blank lines, spaces around values, lines and
/// attributes it does not know, and values it cannot read are all skipped rather than refused. Only text that
/// does not start with `v=` is an error, since that is not SDP at all (an HTML error page, a JSON body).
/// Whether the description can carry a call is a separate question: `SDPOffer.negotiate(answer:)`.
public struct SDPSessionDescription: Sendable, Hashable {
    /// The `o=` line (RFC 8866 §5.2): `<username> <sess-id> <sess-version> IN IP4 <address>`.
    public struct Origin: Sendable, Hashable {
        /// The username, `-` for WebRTC stacks.
        public var username: String
        /// The session id as written (digits, but kept as text: some stacks exceed 64 bits).
        public var sessionID: String
        /// The session version as written.
        public var sessionVersion: String
        /// The address type, `IP4` or `IP6`.
        public var addressType: String
        /// The unicast address; WebRTC stacks write a placeholder such as `127.0.0.1` or `0.0.0.0`.
        public var address: String
    }

    /// An `a=group` line (RFC 5888 §5), such as `BUNDLE 0 1`.
    public struct Group: Sendable, Hashable {
        /// The group's semantics as written, such as `BUNDLE` or `LS`.
        public var semantics: String
        /// The `mid`s it groups, in order; for BUNDLE the first is the tag whose transport the others share.
        public var mids: [String]
    }

    /// The `o=` line, when it has all six fields.
    public var origin: Origin?
    /// The `s=` line's value.
    public var sessionName: String?
    /// The address of the session-level `c=` line, if any.
    public var connectionAddress: String?
    /// Every session-level `a=` line, in order.
    public var attributes: [SDPAttribute] = []
    /// ICE and DTLS attributes written at session level.
    public var transport = SDPTransportAttributes()
    /// Every `a=group` line, in order.
    public var groups: [Group] = []
    /// The media sections, in order.
    public var media: [SDPMediaSection] = []
    /// How many lines were not `<letter>=<value>` and were skipped.
    public var unreadableLineCount = 0

    /// An empty description.
    public init() {}

    /// The BUNDLE groups (RFC 8843).
    public var bundleGroups: [Group] {
        self.groups.filter { $0.semantics.uppercased() == "BUNDLE" }
    }

    /// The first audio section that is not rejected and whose `m=` line could be read.
    public var firstAudio: SDPMediaSection? {
        self.media.first { $0.kind == "audio" && $0.port != nil && !$0.isRejected }
    }

    /// The section whose transport `section` uses: with BUNDLE, the group's tagged (first) section when it has a
    /// port (RFC 8843 §7.3.1 lets an answer's other bundled sections carry port 0 and `a=bundle-only`);
    /// otherwise `section` itself.
    public func transportSection(for section: SDPMediaSection) -> SDPMediaSection {
        guard let mid = section.mid,
            let group = self.bundleGroups.first(where: { $0.mids.contains(mid) }),
            let tag = group.mids.first, tag != mid,
            let tagged = self.media.first(where: { $0.mid == tag }),
            let port = tagged.port, port != 0
        else { return section }
        return tagged
    }

    /// The ICE and DTLS attributes in force for `section`: its transport section's own, then the session's.
    public func effectiveTransport(for section: SDPMediaSection) -> SDPTransportAttributes {
        self.transportSection(for: section).transport.inheriting(from: self.transport)
    }

    /// Reads `text` as SDP.
    ///
    /// Fails only with `SDPError.notSDP` when the first non-blank line is not `v=`.
    public static func parse(_ text: some StringProtocol) -> Result<SDPSessionDescription, SDPError> {
        var description = SDPSessionDescription()
        var sawVersion = false
        for rawLine in Substring(text).split(whereSeparator: \.isNewline) {
            var line = SDPSyntax.trimmed(rawLine)
            if !sawVersion, line.first == "\u{FEFF}" { line = SDPSyntax.trimmed(line.dropFirst()) }
            guard let type = line.first else { continue }
            guard line.dropFirst().first == "=", type.isASCII, type.isLetter else {
                if !sawVersion { return .failure(.notSDP(firstLine: SDPSyntax.excerpt(line, limit: 60))) }
                description.unreadableLineCount += 1
                continue
            }
            let value = SDPSyntax.trimmed(line.dropFirst(2))
            if !sawVersion {
                guard type == "v" else { return .failure(.notSDP(firstLine: SDPSyntax.excerpt(line, limit: 60))) }
                sawVersion = true
                continue
            }
            description.record(type: type, value: value)
        }
        guard sawVersion else { return .failure(.notSDP(firstLine: "")) }
        return .success(description)
    }

    /// Records one `<type>=<value>` line after `v=`.
    private mutating func record(type: Character, value: Substring) {
        switch type {
        case "m":
            self.media.append(SDPMediaSection(mLine: value))
        case "c":
            // `IN IP4 <address>[/<ttl>]`; the TTL and count suffixes only matter for multicast.
            let words = SDPSyntax.words(value)
            let address = words.count >= 3 ? String(SDPSyntax.splitOnce(words[2], at: "/").0) : nil
            if self.media.isEmpty {
                self.connectionAddress = address
            } else {
                self.media[self.media.count - 1].connectionAddress = address
            }
        case "a":
            let (name, rest) = SDPSyntax.splitOnce(value, at: ":")
            let attributeName = SDPSyntax.trimmed(name)
            let attributeValue = rest.map(SDPSyntax.trimmed)
            if self.media.isEmpty {
                self.recordSessionAttribute(name: attributeName, value: attributeValue)
            } else {
                self.media[self.media.count - 1].record(name: attributeName, value: attributeValue)
            }
        case "o" where self.media.isEmpty:
            let words = SDPSyntax.words(value)
            guard words.count >= 6 else { return }
            self.origin = Origin(
                username: String(words[0]),
                sessionID: String(words[1]),
                sessionVersion: String(words[2]),
                addressType: String(words[4]),
                address: String(words[5])
            )
        case "s" where self.media.isEmpty:
            self.sessionName = String(value)
        default:
            break
        }
    }

    private mutating func recordSessionAttribute(name: Substring, value: Substring?) {
        self.attributes.append(SDPAttribute(name: String(name), value: value.map(String.init)))
        let key = name.lowercased()
        if self.transport.record(name: key, value: value) { return }
        if key == "group", let value {
            let words = SDPSyntax.words(value)
            if let semantics = words.first {
                self.groups.append(Group(semantics: String(semantics), mids: words.dropFirst().map(String.init)))
            }
        }
    }
}
