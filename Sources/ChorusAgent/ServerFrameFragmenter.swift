import ChorusDialects
import NIOCore

/// Rewrites the agent's outbound byte stream so every data message longer than `maxPayload` goes out as a first
/// frame and continuation frames (RFC 6455 §5.4) of at most `maxPayload` payload bytes each.
///
/// It works on the bytes as they are written, whatever the pieces: a frame's header and payload may arrive in
/// separate writes (the session prepends per-session heads to shared reply tails, NIO's encoder writes header and
/// payload apart). Only the header is held back until complete, so output follows input without buffering
/// payloads. Control frames, masked frames and frames that are already fragments pass unchanged.
struct ServerFrameFragmenter {
    let maxPayload: Int

    private enum State {
        /// Reading a frame header; `bytes` is what has come of it so far.
        case header(bytes: [UInt8])
        /// Passing `remaining` payload bytes of a frame through as they are.
        case passing(remaining: Int)
        /// Splitting a data frame: `remaining` payload bytes to go, `inFragment` of them before the next fragment
        /// header is due.
        case splitting(remaining: Int, inFragment: Int)
    }

    private var state = State.header(bytes: [])

    init(maxPayload: Int) {
        precondition(maxPayload > 0, "fragments carry at least one byte")
        self.maxPayload = maxPayload
    }

    /// Appends `input` to the stream and writes what can go out now into `output`.
    mutating func process(_ input: ByteBuffer, into output: inout ByteBuffer) {
        var input = input
        while input.readableBytes > 0 {
            switch self.state {
            case .header(var bytes):
                bytes.append(input.readInteger(as: UInt8.self)!)
                guard let needed = Self.headerLength(bytes), bytes.count == needed else {
                    self.state = .header(bytes: bytes)
                    continue
                }
                self.startFrame(header: bytes, into: &output)
            case .passing(let remaining):
                let n = min(remaining, input.readableBytes)
                var slice = input.readSlice(length: n)!
                output.writeBuffer(&slice)
                self.state = remaining == n ? .header(bytes: []) : .passing(remaining: remaining - n)
            case .splitting(let remaining, var inFragment):
                if inFragment == 0 {
                    inFragment = min(self.maxPayload, remaining)
                    ServerFrame.writeHeader(
                        opcode: 0x0, payloadLength: inFragment, into: &output, fin: inFragment == remaining)
                }
                let n = min(inFragment, input.readableBytes)
                var slice = input.readSlice(length: n)!
                output.writeBuffer(&slice)
                self.state =
                    remaining == n ? .header(bytes: []) : .splitting(remaining: remaining - n, inFragment: inFragment - n)
            }
        }
        // A frame with an empty payload ends with its header.
        if case .passing(0) = self.state { self.state = .header(bytes: []) }
    }

    /// A complete header has been read: pass the frame on, or write its first fragment's header and split it.
    private mutating func startFrame(header: [UInt8], into output: inout ByteBuffer) {
        let fin = header[0] & 0x80 != 0
        let opcode = header[0] & 0x0F
        let masked = header[1] & 0x80 != 0
        let length = Self.payloadLength(header)
        let isData = opcode == ServerFrame.text || opcode == ServerFrame.binary
        guard isData, fin, !masked, length > self.maxPayload else {
            output.writeBytes(header)
            self.state = .passing(remaining: length)
            return
        }
        ServerFrame.writeHeader(opcode: opcode, payloadLength: self.maxPayload, into: &output, fin: false)
        self.state = .splitting(remaining: length, inFragment: self.maxPayload)
    }

    /// The full header length once `bytes` holds enough of it to tell, else nil.
    private static func headerLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        let mask = bytes[1] & 0x80 != 0 ? 4 : 0
        switch bytes[1] & 0x7F {
        case 126: return 4 + mask
        case 127: return 10 + mask
        default: return 2 + mask
        }
    }

    private static func payloadLength(_ header: [UInt8]) -> Int {
        switch header[1] & 0x7F {
        case 126: return Int(header[2]) << 8 | Int(header[3])
        case 127: return header[2..<10].reduce(0) { $0 << 8 | Int($1) }
        case let n: return Int(n)
        }
    }
}
