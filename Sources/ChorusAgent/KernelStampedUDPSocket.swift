#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A UDP socket whose datagrams carry the kernel's receive time, so the agent's ground truth stays exact when its
/// event loop falls behind (a busy agent reads a packet late, but the kernel stamped it when it arrived).
///
/// Linux only: `SIOCGSTAMPNS` after each read gives the time the kernel took in the datagram just read. NIO reads
/// one datagram per `recvmsg` and hands it on before the next, so in `channelRead` that is this datagram's time.
/// Elsewhere, or if the kernel refuses, callers fall back to the loop's clock.
enum KernelStampedUDPSocket {
    /// Opens a non-blocking UDP socket bound to `address` with kernel receive stamps on; returns its descriptor.
    static func open(address: SocketAddress, receiveBuffer: Int32, sendBuffer: Int32) throws -> CInt {
        #if os(Linux)
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var one: Int32 = 1
        var rcv = receiveBuffer
        var snd = sendBuffer
        let size = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size) == 0,
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, size) == 0,
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, size) == 0,
            address.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0
        else {
            let code = errno
            close(fd)
            throw IOError(errnoCode: code, reason: "bind \(address)")
        }
        // The first request switches stamping on (it has nothing to report yet, so ENOENT is expected).
        var ts = timespec()
        _ = ioctl(fd, Self.siocgstampns, &ts)
        return fd
        #else
        throw IOError(errnoCode: ENOTSUP, reason: "kernel receive stamps need Linux")
        #endif
    }

    /// `SIOCGSTAMPNS` (asm-generic/sockios.h, the 64-bit `timespec` form); not imported into Swift.
    static let siocgstampns: UInt = 0x8907

    /// When the kernel took in the datagram last read from `fd`, on the monotonic clock; nil when unknown.
    ///
    /// Linux switches stamping on for the whole stack from a work queue, so the first datagrams after `open` may
    /// arrive unstamped; the kernel then answers with the time of the request. Callers take the earlier of this and
    /// their own clock, which makes that case harmless.
    ///
    /// The stamp is wall-clock time, so it is moved onto the monotonic clock by the two clocks' current offset
    /// (they drift apart by far less than a microsecond between a packet's arrival and its read).
    static func lastReceiveNs(fd: CInt) -> Int64? {
        #if os(Linux)
        var stamp = timespec()
        guard ioctl(fd, Self.siocgstampns, &stamp) == 0 else { return nil }
        var wall = timespec()
        let nowMonotonicNs = Int64(NIODeadline.now().uptimeNanoseconds)
        clock_gettime(CLOCK_REALTIME, &wall)
        let ageNs = (Int64(wall.tv_sec) - Int64(stamp.tv_sec)) * 1_000_000_000 + Int64(wall.tv_nsec) - Int64(stamp.tv_nsec)
        // A stamp from the future or older than a second is not this datagram's (a clock step, or stamping off).
        guard ageNs >= 0, ageNs < 1_000_000_000 else { return nil }
        return nowMonotonicNs - ageNs
        #else
        return nil
        #endif
    }
}
