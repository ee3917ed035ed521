/// A `host:port` pair as written in a scenario (`target.address`): a name or IPv4 address with a port
/// (`agent.internal:4000`, `10.0.0.5:4000`), or a bracketed IPv6 literal with a port (`[::1]:4000`).
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// The host without brackets: `::1` for `[::1]:4000`.
    public var host: String
    /// 1...65535.
    public var port: Int

    /// The form the validator asks for in its messages.
    public static let expectedForm = "host:port or [IPv6]:port, e.g. 10.0.0.5:4000 or [::1]:4000"

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; nil for anything else, including an unbracketed IPv6 literal (in
    /// `::1:4000` the port cannot be told from the address).
    public init?(parsing text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), host.contains(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.firstIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !portText.contains(":") else { return nil }
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "[" || $0 == "]" || $0 == "/" }),
            !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        self.host = String(host)
        self.port = port
    }

    /// `host:port`, with an IPv6 host in brackets.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
