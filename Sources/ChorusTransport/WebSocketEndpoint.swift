/// Where a WebSocket agent listens: `ws://host:port/path`.
public struct WebSocketEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var path: String
    public var isTLS: Bool

    public init(host: String, port: Int, path: String = "/", isTLS: Bool = false) {
        self.host = host
        self.port = port
        self.path = path
        self.isTLS = isTLS
    }

    /// Parses `ws://host:port/path` (or `wss://`); nil when it is not such a URL.
    public init?(url: String) {
        let isTLS: Bool
        let rest: Substring
        if url.hasPrefix("ws://") {
            isTLS = false
            rest = url.dropFirst(5)
        } else if url.hasPrefix("wss://") {
            isTLS = true
            rest = url.dropFirst(6)
        } else {
            return nil
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = slash < rest.endIndex ? String(rest[slash...]) : "/"
        var host = String(authority)
        var port = isTLS ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = String(authority[..<colon])
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port, path: path, isTLS: isTLS)
    }

    public var description: String { "\(self.isTLS ? "wss" : "ws")://\(self.host):\(self.port)\(self.path)" }
}
