import ChorusAudio
import ChorusCore
import ChorusDialects
import Glibc
import ChorusSockets
import NIOCore
import NIOPosix
import Testing

@testable import ChorusTransport

/// A plain `ws://` caller connects with a socket of its own, handed to NIO while the TCP handshake may still be
/// under way: a connect that fails or never completes must still end as a `connect_failed` row, in time.
@Suite("WebSocket connects on the caller's own socket", .serialized)
struct WebSocketConnectTests {
    /// A TCP port on 127.0.0.1 that nothing listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        guard address.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
        return try Self.port(of: fd)
    }

    static func port(of fd: CInt) throws -> Int {
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        return Int(UInt16(bigEndian: storage.sin_port))
    }

    static func call(port: Int, timeout: TimeAmount) async throws -> (CallResult, Duration) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let dialect = ChorusNativeDialect(audio: SharedAudio(pcm16: EmbeddedCallerTests.utterances, sampleRate: 16000))
        let clock = ContinuousClock()
        let start = clock.now
        let result = await WebSocketConnector.run(
            plan: EmbeddedCallerTests.plan(), endpoint: WebSocketEndpoint(host: "127.0.0.1", port: port),
            dialect: dialect, stats: LoopStats(eventLoop: group.next()), registry: CallRegistry(), connectTimeout: timeout)
        let took = clock.now - start
        try await group.shutdownGracefully()
        return (result, took)
    }

    @Test(.timeLimit(.minutes(1)))
    func aRefusedConnectIsConnectFailed() async throws {
        let (result, took) = try await Self.call(port: try Self.closedPort(), timeout: .seconds(5))
        #expect(result.report.outcome == .connectFailed)
        #expect(!(result.report.error ?? "").isEmpty)
        #expect(took < .seconds(5), "a refused connect waited for the timeout: \(took)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aConnectThatNeverCompletesEndsAtTheTimeout() async throws {
        // A listener that never accepts, its queue full: the kernel drops further SYNs, so a connect stays pending.
        let listener = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        #expect(address.withSockAddr { bind(listener, $0, socklen_t($1)) } == 0)
        #expect(listen(listener, 0) == 0)
        let port = try Self.port(of: listener)
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        var fillers: [DirectStreamSocket] = []
        defer { fillers.forEach { close($0.descriptor) } }
        for _ in 0..<4 { fillers.append(try DirectStreamSocket.connect(to: target)) }
        let (result, took) = try await Self.call(port: port, timeout: .milliseconds(500))
        #expect(result.report.outcome == .connectFailed)
        #expect((result.report.error ?? "").contains("timed out"), "\(result.report.error ?? "")")
        #expect(took >= .milliseconds(450) && took < .seconds(10), "\(took)")
    }
}
