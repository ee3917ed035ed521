import NIOSSL

/// How callers open their WebSocket beyond the URL: extra handshake headers, subprotocols and TLS, and the
/// largest agent message they take.
///
/// Built once per run. Header values are already expanded (`${VAR}` resolved); `secrets` lists the values that
/// must never be stored, so anything the connector writes into `sessions.error` is redacted with them.
public struct WebSocketClientOptions: Sendable {
    /// One handshake header.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var headers: [Header]
    /// `Sec-WebSocket-Protocol` values offered, in order of preference.
    public var subprotocols: [String]
    /// The client TLS context for `wss://` endpoints (nil: plain `ws://` only).
    public var tls: NIOSSLContext?
    /// The TLS server name (SNI and certificate check) when it is not the URL's host.
    public var serverName: String?
    /// Values that must be redacted from anything stored (API keys from the environment).
    public var secrets: [String]
    /// The largest agent message, in bytes, whether it comes in one frame or is reassembled from fragments; a
    /// larger one is a `protocol_error` naming its size.
    public var maxMessageSize: Int

    /// The default `maxMessageSize`: 16 MiB, above OpenAI's 15 MiB of audio per message.
    public static let defaultMaxMessageSize = 16 << 20
    /// The largest `maxMessageSize` NIO's frame decoder can be given.
    public static let maxMessageSizeCeiling = Int(UInt32.max)

    public init(
        headers: [Header] = [], subprotocols: [String] = [], tls: NIOSSLContext? = nil, serverName: String? = nil,
        secrets: [String] = [], maxMessageSize: Int = WebSocketClientOptions.defaultMaxMessageSize
    ) {
        self.headers = headers
        self.subprotocols = subprotocols
        self.tls = tls
        self.serverName = serverName
        self.secrets = secrets
        self.maxMessageSize = maxMessageSize
    }

    /// A client TLS context: the system trust store, plus `caFile` (PEM) when given; `insecure` skips certificate
    /// verification altogether (self-signed test agents only).
    public static func tlsContext(caFile: String?, insecure: Bool) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if insecure {
            configuration.certificateVerification = .none
        } else if let caFile {
            // Besides the system's roots: a staging CA should not stop public certificates from verifying.
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// `text` with every secret replaced by `***`.
    public func redact(_ text: String) -> String {
        var out = text
        for secret in self.secrets where !secret.isEmpty {
            out = out.replacingOccurrences(of: secret, with: "***")
        }
        return out
    }
}
