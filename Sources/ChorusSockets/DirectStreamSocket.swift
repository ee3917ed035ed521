import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection Chorus starts itself, with a non-blocking `connect`, and hands to NIO while the handshake may
/// still be under way (`ClientBootstrap.withConnectedSocket`), keeping its descriptor so that a plain `ws://`
/// caller's frames can be written with one `send(2)` each, past NIO's write path.
///
/// NIO takes the socket as connected from the start: its first write meets `EAGAIN` until the handshake completes,
/// and NIO writes it once the socket turns writable. A refused or unanswered connect surfaces as the upgrade's error
/// or its timeout.
///
/// NIO owns and closes the descriptor: write only from the channel's event loop while the channel is open.
public struct DirectStreamSocket: Sendable {
    /// What `write` did with the bytes.
    public enum WriteResult: Equatable, Sendable {
        /// All of them went to the kernel.
        case written
        /// The first `count` went; the socket's send buffer is full.
        case partial(count: Int)
        /// None went: the send buffer is full, the connect is still under way, or the call was interrupted.
        case busy
        /// The kernel refused them with `errno`: the connection is broken.
        case failed(errno: CInt)
    }

    /// The socket's descriptor, owned by NIO once handed over.
    public let descriptor: CInt

    /// A socket opened elsewhere (tests: one end of a socket pair).
    public init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// Opens a non-blocking TCP socket with `TCP_NODELAY` and starts connecting it to `remote`.
    public static func connect(to remote: SocketAddress) throws -> DirectStreamSocket {
        let fd = try NonBlockingSocket.open(.stream, for: remote) { fd in
            var one: CInt = 1
            guard setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                throw IOError(errnoCode: errno, reason: "setsockopt TCP_NODELAY")
            }
            #if canImport(Glibc)
            let status = remote.withSockAddr { Glibc.connect(fd, $0, socklen_t($1)) }
            #else
            let status = remote.withSockAddr { Darwin.connect(fd, $0, socklen_t($1)) }
            #endif
            guard status == 0 || errno == EINPROGRESS else { throw IOError(errnoCode: errno, reason: "connect to \(remote)") }
        }
        return DirectStreamSocket(descriptor: fd)
    }

    /// Writes `bytes`' readable bytes, as many as the kernel takes now.
    @inline(__always)
    public func write(_ bytes: ByteBuffer) -> WriteResult {
        switch NonBlockingSocket.send(self.descriptor, bytes) {
        case .success(let sent): sent == bytes.readableBytes ? .written : .partial(count: sent)
        case .failure(let error): error.isBusy ? .busy : .failed(errno: error.code)
        }
    }
}
