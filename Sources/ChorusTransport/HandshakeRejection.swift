import NIOCore
import NIOHTTP1

/// An agent's answer to the WebSocket upgrade request that was not `101 Switching Protocols`.
struct HandshakeRejection: Sendable {
    var status: HTTPResponseStatus?
    var body: String

    /// `HTTP 401 Unauthorized: {"error":"invalid api key"}`.
    var description: String {
        let status = self.status.map { "HTTP \($0.code) \($0.reasonPhrase)" } ?? "no HTTP answer"
        let body = self.body.trimmingCharacters(in: .whitespacesAndNewlines)
        return body.isEmpty ? status : "\(status): \(body)"
    }
}

/// Added once the upgrade has been refused: reads the refusal's status line and the start of its body.
final class HandshakeRejectionRecorder: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    static let bodyExcerptLength = 300
    private let promise: EventLoopPromise<HandshakeRejection>
    private var rejection = HandshakeRejection(status: nil, body: "")
    private var done = false

    init(promise: EventLoopPromise<HandshakeRejection>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.rejection.status = head.status
        case .body(var body):
            let room = Self.bodyExcerptLength - self.rejection.body.utf8.count
            if room > 0 { self.rejection.body += body.readString(length: min(room, body.readableBytes)) ?? "" }
        case .end:
            self.finish()
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish()
        context.close(promise: nil)
    }

    private func finish() {
        guard !self.done else { return }
        self.done = true
        self.promise.succeed(self.rejection)
    }
}

@available(*, unavailable)
extension HandshakeRejectionRecorder: Sendable {}
