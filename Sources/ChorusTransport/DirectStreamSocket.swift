import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection Chorus starts itself, with a non-blocking `connect`, and hands to NIO while the handshake may
/// still be under way (`ClientBootstrap.withConnectedSocket`), keeping its descriptor so that a plain `ws://`
/// caller's frames can be written with one `send(2)` each (`RawFrameWriter`), past NIO's write path.
///
/// NIO takes the socket as connected from the start: its first write meets `EAGAIN` until the handshake completes,
/// and NIO writes it once the socket turns writable. A refused or unanswered connect surfaces as the upgrade's error
/// or its timeout.
///
/// NIO owns and closes the descriptor: write only from the channel's event loop while the channel is open.
struct DirectStreamSocket: Sendable {
    /// What `write` did with the bytes.
    enum WriteResult: Equatable {
        /// All of them went to the kernel.
        case written
        /// The first `count` went; the socket's send buffer is full.
        case partial(count: Int)
        /// None went: the send buffer is full, the connect is still under way, or the call was interrupted.
        case busy
        /// The kernel refused them with `errno`: the connection is broken.
        case failed(errno: CInt)
    }

    let descriptor: CInt

    /// Opens a non-blocking TCP socket with `TCP_NODELAY` and starts connecting it to `remote`.
    static func connect(to remote: SocketAddress) throws -> DirectStreamSocket {
        let family = remote.protocol == .inet6 ? AF_INET6 : AF_INET
        #if canImport(Glibc)
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        let fd = socket(family, type, 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            #if !canImport(Glibc)
            guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
                throw IOError(errnoCode: errno, reason: "fcntl")
            }
            #endif
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
        } catch {
            close(fd)
            throw error
        }
        return DirectStreamSocket(descriptor: fd)
    }

    /// Writes `bytes`' readable bytes, as many as the kernel takes now.
    @inline(__always)
    func write(_ bytes: ByteBuffer) -> WriteResult {
        let fd = self.descriptor
        let count = bytes.readableBytes
        #if canImport(Glibc)
        let flags = CInt(MSG_NOSIGNAL)
        #else
        let flags: CInt = 0  // NIO sets SO_NOSIGPIPE on the socket
        #endif
        let written = bytes.withUnsafeReadableBytes { raw in send(fd, raw.baseAddress, raw.count, flags) }
        if written == count { return .written }
        if written >= 0 { return .partial(count: written) }
        let code = errno
        return code == EAGAIN || code == EWOULDBLOCK || code == ENOBUFS || code == EINTR ? .busy : .failed(errno: code)
    }
}
