import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP socket Chorus opens itself and hands to NIO (`DatagramBootstrap.withBoundSocket`), keeping its descriptor so
/// that, once NIO has connected the socket (`Channel.connect`), a call's packets go out with one `send(2)` each.
///
/// Connect through NIO, not before handing the socket over: NIO's write queue learns of the connection only from its
/// own `connect`, and with several bare datagrams queued on a socket it believes unconnected it stops the process.
///
/// NIO still reads the socket, writes everything else (RTCP, STUN, DTLS) and closes it. Through NIO a packet takes
/// a pass down the pipeline, a place in the channel's pending-write queue and a `sendmsg` with a message header: about
/// a fifth of an RTP caller's CPU per packet at 1,000 callers (`perf`, `make bench`). Datagrams are independent, so
/// packets sent here and datagrams NIO writes need no common order.
///
/// Send only from the channel's event loop while the channel is active: NIO closes the descriptor when the channel
/// closes, and the number is then free for the next socket the process opens.
public struct DirectDatagramSocket: Sendable {
    /// What `send` did with a packet.
    public enum SendResult: Equatable, Sendable {
        /// The kernel took it.
        case sent
        /// The socket's send buffer is full (or the call was interrupted): write it through NIO, which queues it
        /// until the socket is writable (and keep writing there, so that nothing overtakes it).
        case busy
        /// The kernel refused it with `errno`: lost, as NIO would lose it (an ICMP error from an earlier packet is
        /// reported this way on a connected socket).
        case failed(errno: CInt)
    }

    /// The socket's descriptor, owned by NIO once handed over.
    public let descriptor: CInt

    /// Opens a non-blocking UDP socket bound to `local` (port 0 for a port of its own; a wildcard address lets the
    /// connect pick the source address).
    ///
    /// No `SO_REUSEADDR`: with it, Linux may hand the same ephemeral UDP port to two callers.
    public static func open(bindingTo local: SocketAddress) throws -> DirectDatagramSocket {
        let fd = try NonBlockingSocket.open(.datagram, for: local) { fd in
            guard local.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0 else {
                throw IOError(errnoCode: errno, reason: "bind to \(local)")
            }
        }
        return DirectDatagramSocket(descriptor: fd)
    }

    /// Sends `packet`'s readable bytes as one datagram to the address the socket is connected to.
    @inline(__always)
    public func send(_ packet: ByteBuffer) -> SendResult {
        switch NonBlockingSocket.send(self.descriptor, packet) {
        case .success: .sent
        case .failure(let error): error.isBusy ? .busy : .failed(errno: error.code)
        }
    }
}
