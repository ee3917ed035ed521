#if os(Linux)
import Glibc
import NIOCore
import Testing

@testable import ChorusAgent

@Suite("Kernel receive stamps on the agent's UDP socket")
struct KernelStampedUDPSocketTests {
    @Test("A datagram read late is stamped with when it arrived, not when it was read")
    func stampIsArrivalTime() throws {
        let fd = try KernelStampedUDPSocket.open(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: 0), receiveBuffer: 1 << 16, sendBuffer: 1 << 16)
        defer { close(fd) }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(sender) }
        // Linux switches receive stamping on for the whole stack from a work queue, so the first datagrams after
        // `open` may go unstamped (the kernel then answers with the read time). The agent opens its socket long
        // before callers speak; here a few tries give the switch time to land.
        var offsetsMs: [Double] = []
        for _ in 0..<5 {
            let payload: [UInt8] = [1, 2, 3]
            let sentNs = Int64(NIODeadline.now().uptimeNanoseconds)
            let sent = withUnsafePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(sender, payload, 3, 0, $0, length) }
            }
            #expect(sent == 3)
            // The agent's loop is busy for 50 ms: the datagram waits in the socket.
            usleep(50_000)
            var buffer = [UInt8](repeating: 0, count: 16)
            #expect(recv(fd, &buffer, 16, 0) == 3)
            #expect(Int64(NIODeadline.now().uptimeNanoseconds) - sentNs >= 50_000_000)
            let stamp = try #require(KernelStampedUDPSocket.lastReceiveNs(fd: fd))
            offsetsMs.append(Double(stamp - sentNs) / 1e6)
            if abs(stamp - sentNs) < 5_000_000 { break }
        }
        #expect(offsetsMs.contains { abs($0) < 5 }, "stamps came \(offsetsMs) ms after the sends, not at them")
    }
}
#endif
