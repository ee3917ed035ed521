import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// What one accepted WebSocket handshake asked for: the dialect, and what the request carried that the session needs.
struct AgentRoute: Sendable {
    var dialect: AgentDialect
    /// `X-Chorus-Session`: the caller's session id for the ground truth.
    var sessionHeader: String?
    /// `?model=` (OpenAI Realtime).
    var model: String?
    /// The request carried `OpenAI-Beta` (the retired Realtime beta interface).
    var requestsBetaShape: Bool
}

/// The agent's decision on an upgrade request, from its head alone: route by path, then check the bearer token.
///
/// Pure, so the upgrader (which accepts) and `AgentHTTPFallbackHandler` (which answers refused requests) reach
/// the same decision from the same head.
struct AgentHandshake: Sendable {
    enum Decision: Sendable {
        case accept(AgentRoute, responseHeaders: HTTPHeaders)
        case reject(HTTPResponseStatus, contentType: String, body: String)
    }

    let defaultDialect: AgentDialect
    let requiredBearerToken: String?

    /// Body of the 401 answer (the shape OpenAI uses for a bad key, kept short so callers can match it).
    static let unauthorizedBody = #"{"error":"invalid api key"}"#

    func decide(_ head: HTTPRequestHead) -> Decision {
        guard let dialect = AgentDialect.forPath(head.uri, default: self.defaultDialect) else {
            let known = AgentDialect.allCases.map(\.path).joined(separator: ", ")
            return .reject(
                .notFound, contentType: "text/plain; charset=utf-8",
                body: "no agent at \(Self.pathOnly(head.uri)); try /, \(known) or /v1/realtime\n")
        }
        let offered = Self.subprotocols(head.headers)
        if let token = self.requiredBearerToken, !Self.presents(token, head.headers, subprotocols: offered) {
            return .reject(.unauthorized, contentType: "application/json", body: Self.unauthorizedBody)
        }
        var response = HTTPHeaders()
        // Browser-style OpenAI clients offer `realtime` (and put their key in a second subprotocol); echo it.
        if dialect == .openAIRealtime, offered.contains("realtime") {
            response.add(name: "Sec-WebSocket-Protocol", value: "realtime")
        }
        let route = AgentRoute(
            dialect: dialect,
            sessionHeader: head.headers.first(name: "X-Chorus-Session").flatMap { $0.isEmpty ? nil : $0 },
            model: Self.queryValue("model", in: head.uri),
            requestsBetaShape: head.headers.contains(name: "OpenAI-Beta"))
        return .accept(route, responseHeaders: response)
    }

    /// `Authorization: Bearer <token>`, or (OpenAI browser style) a subprotocol `openai-insecure-api-key.<token>`.
    private static func presents(_ token: String, _ headers: HTTPHeaders, subprotocols: [String]) -> Bool {
        for value in headers["Authorization"] {
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer",
                String(parts[1]).trimmingCharacters(in: .whitespaces) == token
            {
                return true
            }
        }
        return subprotocols.contains("openai-insecure-api-key." + token)
    }

    private static func subprotocols(_ headers: HTTPHeaders) -> [String] {
        headers[canonicalForm: "Sec-WebSocket-Protocol"].map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func pathOnly(_ uri: String) -> Substring {
        uri.prefix { $0 != "?" && $0 != "#" }
    }

    /// The value of `name` in the URI's query string (no percent-decoding: model names need none).
    static func queryValue(_ name: String, in uri: String) -> String? {
        guard let mark = uri.firstIndex(of: "?") else { return nil }
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if kv.count == 2, kv[0] == name, !kv[1].isEmpty { return String(kv[1]) }
        }
        return nil
    }
}

/// Answers the HTTP requests the WebSocket upgrader refused: 404 for an unknown path, 401 for a missing or wrong
/// bearer token, 426 for a plain HTTP request to a dialect path. Closes the connection after answering.
///
/// Removed from the pipeline when a handshake is accepted, so it never sees WebSocket frames.
final class AgentHTTPFallbackHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handshake: AgentHandshake
    private var answer: (status: HTTPResponseStatus, contentType: String, body: String)?

    init(handshake: AgentHandshake) {
        self.handshake = handshake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            switch self.handshake.decide(head) {
            case .reject(let status, let contentType, let body):
                self.answer = (status, contentType, body)
            case .accept:
                self.answer = (.upgradeRequired, "text/plain; charset=utf-8", "this endpoint speaks WebSocket only\n")
            }
        case .body:
            break
        case .end:
            guard let answer = self.answer else { return }
            self.answer = nil
            let body = ByteBuffer(string: answer.body)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: answer.contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            headers.add(name: "Connection", value: "close")
            if answer.status == .upgradeRequired { headers.add(name: "Upgrade", value: "websocket") }
            let head = HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers)
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The upgrader reports the refusal we asked for as an error, then passes the request on to be answered above.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension AgentHTTPFallbackHandler: Sendable {}
