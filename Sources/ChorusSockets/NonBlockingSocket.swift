import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the sockets Chorus opens itself share: a non-blocking, close-on-exec socket set up before NIO takes it, and
/// a send that never blocks.
enum NonBlockingSocket {
    /// UDP or TCP.
    enum Kind {
        case datagram, stream
    }

    /// Opens a non-blocking socket of `kind` in `address`'s family and hands it to `setUp` (bind, connect,
    /// options); closes it if `setUp` throws.
    static func open(_ kind: Kind, for address: SocketAddress, setUp: (CInt) throws -> Void) throws -> CInt {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        #if canImport(Glibc)
        let type = CInt((kind == .datagram ? SOCK_DGRAM : SOCK_STREAM).rawValue)
        let fd = socket(family, type | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(family, kind == .datagram ? SOCK_DGRAM : SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            #if !canImport(Glibc)
            guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
                throw IOError(errnoCode: errno, reason: "fcntl")
            }
            #endif
            try setUp(fd)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Sends `bytes`' readable bytes on the connected socket `fd` without blocking (and without `SIGPIPE`): how many
    /// the kernel took, or the `errno` that stopped it.
    @inline(__always)
    static func send(_ fd: CInt, _ bytes: ByteBuffer) -> Result<Int, SendError> {
        #if canImport(Glibc)
        let flags = CInt(MSG_NOSIGNAL)
        #else
        let flags: CInt = 0  // NIO sets SO_NOSIGPIPE on its sockets
        #endif
        let sent = bytes.withUnsafeReadableBytes { raw in
            #if canImport(Glibc)
            Glibc.send(fd, raw.baseAddress, raw.count, flags)
            #else
            Darwin.send(fd, raw.baseAddress, raw.count, flags)
            #endif
        }
        if sent >= 0 { return .success(sent) }
        return .failure(SendError(code: errno))
    }

    /// Why a send took nothing.
    struct SendError: Error {
        var code: CInt
        /// Nothing is wrong with the connection: the send buffer is full, or the call was interrupted. NIO, which
        /// waits for the socket to turn writable, should take it from here.
        var isBusy: Bool { self.code == EAGAIN || self.code == EWOULDBLOCK || self.code == ENOBUFS || self.code == EINTR }
    }
}
