import ChorusDialects
import NIOCore
import Testing

@testable import ChorusAgent

@Suite struct ServerFrameFragmenterTests {
    /// One frame as it leaves the agent.
    struct Frame: Equatable, CustomStringConvertible {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]
        var description: String { "\(self.fin ? "fin " : "")op \(self.opcode) \(self.payload.count) B" }
    }

    /// Unmasked server frames read back from `bytes` by hand (RFC 6455 §5.2).
    static func frames(_ bytes: [UInt8]) -> [Frame] {
        var frames: [Frame] = []
        var i = 0
        while i < bytes.count {
            var length = Int(bytes[i + 1] & 0x7F)
            var start = i + 2
            if length == 126 {
                length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
                start = i + 4
            } else if length == 127 {
                length = bytes[i + 2..<i + 10].reduce(0) { $0 << 8 | Int($1) }
                start = i + 10
            }
            frames.append(Frame(fin: bytes[i] & 0x80 != 0, opcode: bytes[i] & 0x0F, payload: Array(bytes[start..<start + length])))
            i = start + length
        }
        return frames
    }

    static func complete(_ opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
        Array(ServerFrame.complete(opcode: opcode, payload: payload).readableBytesView)
    }

    @Test func dataMessagesAreSplitWhateverPiecesTheyAreWrittenInAndControlFramesPass() {
        let text = (0..<250).map { UInt8(0x41 + $0 % 26) }
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }
        let exact = [UInt8](repeating: 7, count: 100)
        let stream =
            Self.complete(ServerFrame.text, text) + Self.complete(0x9, Array("ping".utf8))
            + Self.complete(ServerFrame.binary, big) + Self.complete(ServerFrame.binary, exact)
            + Self.complete(ServerFrame.text, []) + Self.complete(0x8, [0x03, 0xE8])
        // Written in pieces that cut headers and payloads anywhere, as the session's head + tail writes do.
        var fragmenter = ServerFrameFragmenter(maxPayload: 100)
        var output = ByteBuffer()
        var offset = 0
        for size in [1, 1, 3, 200, 1, 9, 5000].cycled(until: stream.count) {
            let end = min(stream.count, offset + size)
            fragmenter.process(ByteBuffer(bytes: stream[offset..<end]), into: &output)
            offset = end
        }
        let frames = Self.frames(Array(output.readableBytesView))

        #expect(frames.allSatisfy { $0.payload.count <= 100 }, "\(frames.filter { $0.payload.count > 100 })")
        #expect(frames[0] == Frame(fin: false, opcode: 1, payload: Array(text[0..<100])))
        #expect(frames[1] == Frame(fin: false, opcode: 0, payload: Array(text[100..<200])))
        #expect(frames[2] == Frame(fin: true, opcode: 0, payload: Array(text[200...])))
        #expect(frames[3] == Frame(fin: true, opcode: 9, payload: Array("ping".utf8)))
        let bigFrames = Array(frames[4..<704])
        #expect(bigFrames.first?.opcode == 2 && bigFrames.dropFirst().allSatisfy { $0.opcode == 0 })
        #expect(bigFrames.dropLast().allSatisfy { !$0.fin } && bigFrames.last?.fin == true)
        #expect(bigFrames.flatMap(\.payload) == big)
        #expect(frames[704] == Frame(fin: true, opcode: 2, payload: exact), "a message that fits is one frame")
        #expect(frames[705] == Frame(fin: true, opcode: 1, payload: []))
        #expect(frames[706] == Frame(fin: true, opcode: 8, payload: [0x03, 0xE8]))
        #expect(frames.count == 707)
    }
}

extension Array where Element == Int {
    /// The sizes repeated until they add up to at least `total`.
    fileprivate func cycled(until total: Int) -> [Int] {
        var out: [Int] = []
        var sum = 0
        while sum < total {
            let next = self[out.count % self.count]
            out.append(next)
            sum += next
        }
        return out
    }
}
