import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A tiny scripted WebSocket client for talking to the reference agent over a real socket.
///
/// Every frame received is stamped with the monotonic clock in `channelRead` (the agent's truth uses the same
/// clock), and queued for `next()`. Audio is paced on absolute deadlines on the client's event loop (`stream`), so
/// tests never sleep.
final class TestWebSocketClient: Sendable {
    /// One frame from the agent.
    struct Received: Sendable {
        var opcode: WebSocketOpcode
        var data: ByteBuffer
        var atNs: Int64

        var text: String { String(buffer: self.data) }
        var bytes: [UInt8] { Array(buffer: self.data) }
        /// The close code, for a close frame.
        var closeCode: UInt16? {
            guard self.opcode == .connectionClose, self.data.readableBytes >= 2 else { return nil }
            return self.data.getInteger(at: self.data.readerIndex, as: UInt16.self)
        }
    }

    /// What the handshake produced.
    enum Connection: Sendable {
        case upgraded(TestWebSocketClient)
        case rejected(status: HTTPResponseStatus, body: String)

        /// The client, or a failure naming the refusal.
        func client() throws -> TestWebSocketClient {
            switch self {
            case .upgraded(let client): return client
            case .rejected(let status, let body): throw TestClientError("handshake refused: \(status.code) \(body)")
            }
        }
    }

    let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Connects to `127.0.0.1:port` and asks to upgrade `path`, with `headers` added to the request.
    static func connect(
        port: Int, path: String, headers: [(String, String)] = [], tls: NIOSSLContext? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> Connection {
        let inbox = Inbox()
        let result = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: "localhost"))
                    }
                    return try Self.configure(channel, path: path, port: port, headers: headers, inbox: inbox)
                }
            }
        switch try await result.get() {
        case .upgraded(let channel):
            return .upgraded(TestWebSocketClient(channel: channel, inbox: inbox))
        case .rejected(let answer):
            let (status, body) = try await answer.get()
            return .rejected(status: status, body: body)
        }
    }

    private enum Upgrade: Sendable {
        case upgraded(any Channel)
        case rejected(EventLoopFuture<(HTTPResponseStatus, String)>)
    }

    private static func configure(
        _ channel: any Channel, path: String, port: Int, headers extra: [(String, String)], inbox: Inbox
    ) throws -> EventLoopFuture<Upgrade> {
        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
            maxFrameSize: 1 << 24,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                            maxAccumulatedFrameSize: 1 << 24))
                    try channel.pipeline.syncOperations.addHandler(FrameCollector(inbox: inbox))
                    return Upgrade.upgraded(channel)
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "localhost:\(port)")
        for (name, value) in extra { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    let collector = ResponseCollector(promise: channel.eventLoop.makePromise())
                    try channel.pipeline.syncOperations.addHandler(collector)
                    return Upgrade.rejected(collector.promise.futureResult)
                }
            })
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // The agent may speak first (OpenAI `session.created`): its first frame can share a read with the 101 and
        // must not be dropped with the HTTP decoder.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    // MARK: - Receiving

    /// The next frame from the agent (data or close); fails after `timeout` or once the connection is gone.
    func next(timeout: TimeAmount = .seconds(10)) async throws -> Received {
        try await self.inbox.next(timeout: timeout, loop: self.channel.eventLoop)
    }

    /// Frames until (and including) the first one `isLast` accepts.
    func collect(until isLast: (Received) throws -> Bool, timeout: TimeAmount = .seconds(10)) async throws -> [Received]
    {
        var frames: [Received] = []
        while true {
            let frame = try await self.next(timeout: timeout)
            frames.append(frame)
            if try isLast(frame) { return frames }
        }
    }

    // MARK: - Sending

    func send(text: String) {
        self.send(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text)))
    }

    func send(binary: [UInt8]) {
        self.send(WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: binary)))
    }

    func send(_ frame: WebSocketFrame) {
        self.channel.writeAndFlush(frame, promise: nil)
    }

    /// Sends `frames` one every `interval` from now, on absolute deadlines; returns once the first is scheduled.
    func stream(_ frames: [WebSocketFrame], interval: TimeAmount = .milliseconds(20)) {
        let channel = self.channel
        // Scheduled from the loop, so everything `send` queued before this call goes out first.
        channel.eventLoop.execute {
            let start = NIODeadline.now()
            for (i, frame) in frames.enumerated() {
                channel.eventLoop.scheduleTask(deadline: start + interval * Int64(i)) {
                    if channel.isActive { channel.writeAndFlush(frame, promise: nil) }
                }
            }
        }
    }

    /// A text frame, masked as a client must.
    static func text(_ string: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: string))
    }

    /// A binary frame, masked.
    static func binary(_ bytes: [UInt8]) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: bytes))
    }

    /// Closes the connection (no close handshake: tests that check closing wait for the agent's close frame).
    func close() async {
        try? await self.channel.close()
    }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Received frames waiting for `next()`, and at most one waiter.
private final class Inbox: Sendable {
    private struct State {
        var frames: [TestWebSocketClient.Received] = []
        var head = 0
        var waiter: (id: Int, continuation: CheckedContinuation<TestWebSocketClient.Received, any Error>)?
        var nextId = 0
        var isClosed = false
    }
    private let state = NIOLockedValueBox(State())

    func push(_ frame: TestWebSocketClient.Received) {
        let waiter = self.state.withLockedValue { s -> CheckedContinuation<TestWebSocketClient.Received, any Error>? in
            if let w = s.waiter {
                s.waiter = nil
                return w.continuation
            }
            s.frames.append(frame)
            return nil
        }
        waiter?.resume(returning: frame)
    }

    func close() {
        let waiter = self.state.withLockedValue { s -> CheckedContinuation<TestWebSocketClient.Received, any Error>? in
            s.isClosed = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume(throwing: TestClientError("connection closed"))
    }

    func next(timeout: TimeAmount, loop: any EventLoop) async throws -> TestWebSocketClient.Received {
        try await withCheckedThrowingContinuation { continuation in
            let id = self.state.withLockedValue { s -> Int? in
                if s.head < s.frames.count {
                    let frame = s.frames[s.head]
                    s.head += 1
                    continuation.resume(returning: frame)
                    return nil
                }
                if s.isClosed {
                    continuation.resume(throwing: TestClientError("connection closed"))
                    return nil
                }
                s.nextId += 1
                s.waiter = (s.nextId, continuation)
                return s.nextId
            }
            guard let id else { return }
            loop.scheduleTask(in: timeout) {
                let expired = self.state.withLockedValue {
                    s -> CheckedContinuation<TestWebSocketClient.Received, any Error>? in
                    guard let w = s.waiter, w.id == id else { return nil }
                    s.waiter = nil
                    return w.continuation
                }
                expired?.resume(throwing: TestClientError("no frame from the agent within \(timeout)"))
            }
        }
    }
}

/// Stamps and queues every frame; answers pings.
private final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let inbox: Inbox

    init(inbox: Inbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let frame = self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            self.inbox.push(.init(opcode: frame.opcode, data: frame.unmaskedData, atNs: nowNs))
        case .connectionClose:
            self.inbox.push(.init(opcode: frame.opcode, data: frame.unmaskedData, atNs: nowNs))
            // Answer the close, as a well-behaved client does, and let the agent end the connection.
            var data = frame.unmaskedData
            let reply = WebSocketFrame(
                fin: true, opcode: .connectionClose, maskKey: .random(),
                data: data.readSlice(length: min(2, data.readableBytes)) ?? ByteBuffer())
            context.writeAndFlush(self.wrapOutboundOut(reply), promise: nil)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(self.wrapOutboundOut(pong), promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.inbox.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Collects a refused handshake's response: status and body.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let promise: EventLoopPromise<(HTTPResponseStatus, String)>
    private var status: HTTPResponseStatus = .ok
    private var body = ""
    private var isDone = false

    init(promise: EventLoopPromise<(HTTPResponseStatus, String)>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head): self.status = head.status
        case .body(let buffer): self.body += String(buffer: buffer)
        case .end:
            self.finish(.success((self.status, self.body)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(.failure(TestClientError("closed before the response ended")))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<(HTTPResponseStatus, String), any Error>) {
        guard !self.isDone else { return }
        self.isDone = true
        self.promise.completeWith(result)
    }
}
