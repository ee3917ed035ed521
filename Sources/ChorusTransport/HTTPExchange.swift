import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 request and its whole response, over SwiftNIO's HTTP client codec (and swift-nio-ssl for
/// `https://`): what WebRTC signalling (WHIP, Pipecat's offer endpoint) needs. One connection per request.
public struct HTTPExchange: Sendable {
    /// Where a request goes: `http(s)://host:port/path?query`.
    public struct Target: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        /// Path and query, from the first `/`.
        public var path: String
        public var isTLS: Bool

        public init(host: String, port: Int, path: String, isTLS: Bool) {
            self.host = host
            self.port = port
            self.path = path.isEmpty ? "/" : path
            self.isTLS = isTLS
        }

        /// Parses `http://host[:port]/path` or `https://…`; nil when it is not such a URL.
        public init?(url: String) {
            let isTLS: Bool
            let rest: Substring
            if url.hasPrefix("http://") {
                (isTLS, rest) = (false, url.dropFirst(7))
            } else if url.hasPrefix("https://") {
                (isTLS, rest) = (true, url.dropFirst(8))
            } else {
                return nil
            }
            guard let endpoint = WebSocketEndpoint(url: (isTLS ? "wss://" : "ws://") + rest) else { return nil }
            self.init(host: endpoint.host, port: endpoint.port, path: endpoint.path, isTLS: isTLS)
        }

        /// `Location` resolved against this target: an absolute URL, or a path on the same server.
        public func resolving(_ location: String) -> Target? {
            if location.hasPrefix("http://") || location.hasPrefix("https://") { return Target(url: location) }
            guard location.hasPrefix("/") else {
                let base = self.path.split(separator: "?").first.map(String.init) ?? "/"
                let directory = base.hasSuffix("/") ? base : String(base[...(base.lastIndex(of: "/") ?? base.startIndex)])
                return Target(host: self.host, port: self.port, path: directory + location, isTLS: self.isTLS)
            }
            return Target(host: self.host, port: self.port, path: location, isTLS: self.isTLS)
        }

        public var description: String {
            let host = self.host.contains(":") ? "[\(self.host)]" : self.host
            return "\(self.isTLS ? "https" : "http")://\(host):\(self.port)\(self.path)"
        }
    }

    /// The response: status, headers and body.
    public struct Response: Sendable {
        public var status: HTTPResponseStatus
        public var headers: HTTPHeaders
        public var body: String

        /// `HTTP 404 Not Found: no such bot` with at most `limit` characters of the body.
        public func summary(limit: Int = 300) -> String {
            let body = self.body.trimmingCharacters(in: .whitespacesAndNewlines)
            let status = "HTTP \(self.status.code) \(self.status.reasonPhrase)"
            return body.isEmpty ? status : "\(status): \(body.prefix(limit))"
        }
    }

    /// Sends one request on `loop` and returns the response.
    /// - Parameters:
    ///   - tls: the client context for `https://`.
    ///   - timeout: for connecting and for the whole exchange.
    /// - Throws: a connection error, `HTTPExchangeError` on a timeout or a connection closed before the response.
    public static func send(
        _ method: HTTPMethod, to target: Target, headers: [(String, String)] = [], body: String? = nil,
        tls: NIOSSLContext?, on loop: any EventLoop, timeout: TimeAmount
    ) async throws -> Response {
        let promise = loop.makePromise(of: Response.self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if target.isTLS {
                        guard let tls else { throw HTTPExchangeError(description: "https:// needs a TLS context") }
                        let name = target.host
                        let sni = name.contains(":") || name.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : name
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: sni))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(ResponseCollector(promise: promise))
                }
            }
        let channel: any Channel
        if let address = try? SocketAddress(ipAddress: target.host, port: target.port) {
            channel = try await bootstrap.connect(to: address).get()
        } else {
            channel = try await bootstrap.connect(host: target.host, port: target.port).get()
        }
        let deadline = loop.scheduleTask(in: timeout) {
            promise.fail(HTTPExchangeError(description: "no answer from \(target) within \(timeout.nanoseconds / 1_000_000) ms"))
            channel.close(promise: nil)
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: target.path)
        let hostHeader = target.host.contains(":") ? "[\(target.host)]" : target.host
        head.headers.add(name: "Host", value: "\(hostHeader):\(target.port)")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "\(body?.utf8.count ?? 0)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body {
            var buffer = channel.allocator.buffer(capacity: body.utf8.count)
            buffer.writeString(body)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Why an HTTP exchange produced no response.
public struct HTTPExchangeError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Gathers one response; fails the promise if the connection ends first.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// Signalling answers are SDP or small JSON; anything beyond this is cut.
    static let maxBody = 1 << 20
    private let promise: EventLoopPromise<HTTPExchange.Response>
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private var done = false

    init(promise: EventLoopPromise<HTTPExchange.Response>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var part):
            if self.body.readableBytes < Self.maxBody { self.body.writeBuffer(&part) }
        case .end:
            guard let head = self.head else { return }
            let text = self.body.readString(length: self.body.readableBytes) ?? ""
            self.finish(.success(HTTPExchange.Response(status: head.status, headers: head.headers, body: text)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(.failure(HTTPExchangeError(description: "the connection closed before a complete HTTP response")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<HTTPExchange.Response, any Error>) {
        guard !self.done else { return }
        self.done = true
        self.promise.completeWith(result)
    }
}

@available(*, unavailable)
extension ResponseCollector: Sendable {}
