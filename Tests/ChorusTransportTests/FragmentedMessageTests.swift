import ChorusDialects
import ChorusAudio
import ChorusCore
import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ChorusTransport

@Suite("Fragmented agent messages")
struct FragmentedMessageTests {
    /// A Chorus native caller on an embedded channel, with the receive handlers the connector puts in front of it.
    struct Caller {
        let channel: EmbeddedChannel
        let stats: LoopStats
        let report: EventLoopFuture<CallerReport>

        init(limit: Int = WebSocketClientOptions.defaultMaxMessageSize) throws {
            let channel = EmbeddedChannel()
            let rate = 16_000
            let step = 2 * Double.pi * 440 / Double(rate)
            let samples: [Int16] = (0..<rate / 5).map { i in Int16(8000 * sin(step * Double(i))) }
            let tone = Utterance(name: "tone", sampleRate: rate, samples: samples, speech: 0..<samples.count)
            let dialect = ChorusNativeDialect(audio: SharedAudio(pcm16: [tone], sampleRate: rate))
            let plan = SessionPlan(
                callerIndex: 0, sessionIndex: 0, sessionId: "run-0", turnClips: [0], thinkNs: [0],
                responseTimeoutNs: 5_000_000_000, originNs: 0, seed: 7)
            let stats = LoopStats(eventLoop: channel.eventLoop)
            let promise = channel.eventLoop.makePromise(of: CallerReport.self)
            let raw = RawFrameWriter()
            // As the connector builds it once upgraded: the reader hands messages straight to the call.
            let reader = WebSocketMessageReader(maxMessageSize: limit)
            let engine = CallEngine.webSocket(plan: plan, dialect: dialect, stats: stats, rawWriter: raw, promise: promise)
            reader.receiver = engine
            try channel.pipeline.syncOperations.addHandlers(raw, WebSocketFrameEncoder(), reader, engine)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
            channel.pipeline.fireUserInboundEventTriggered(CallerStart())
            self.channel = channel
            self.stats = stats
            self.report = promise.futureResult
        }

        /// One frame from the agent, as bytes on the wire.
        func send(_ opcode: WebSocketOpcode, fin: Bool, _ bytes: [UInt8]) throws {
            try self.channel.writeInbound(FragmentedMessageTests.frame(opcode, fin: fin, bytes))
        }

        /// Frames the caller wrote through NIO's path (control frames, opening messages), as the agent reads them.
        func written() throws -> [WebSocketFrame] {
            let agent = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
            while let chunk = try self.channel.readOutbound(as: ByteBuffer.self) { try agent.writeInbound(chunk) }
            var frames: [WebSocketFrame] = []
            while let frame = try agent.readInbound(as: WebSocketFrame.self) { frames.append(frame) }
            _ = try agent.finish()
            return frames
        }

        /// The call's report once the connection has closed.
        func finish() throws -> CallerReport {
            if self.channel.isActive { _ = try? self.channel.close().wait() }
            return try self.report.wait()
        }
    }

    /// An unmasked frame as an agent sends it (RFC 6455 §5.2).
    static func frame(_ opcode: WebSocketOpcode, fin: Bool = true, _ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        ServerFrame.writeHeader(
            opcode: UInt8(webSocketOpcode: opcode), payloadLength: payload.count, into: &buffer, fin: fin)
        buffer.writeBytes(payload)
        return buffer
    }

    @Test func fragmentsAreReassembledAndAPingBetweenThemIsAnswered() throws {
        let caller = try Caller()
        _ = try caller.written()
        let audio = [UInt8](repeating: 0x11, count: 640)
        try caller.send(.binary, fin: false, Array(audio[0..<100]))
        try caller.send(.ping, fin: true, Array("are you there".utf8))
        let pong = try #require(try caller.written().first)
        #expect(pong.opcode == .pong)
        #expect(String(buffer: pong.unmaskedData) == "are you there", "answered in the middle of the message")
        try caller.send(.continuation, fin: false, Array(audio[100..<600]))
        #expect(caller.stats.framesReceived == 0, "nothing is read before the last fragment")
        try caller.send(.continuation, fin: true, Array(audio[600...]))
        #expect(caller.stats.framesReceived == 1, "three fragments, one message")

        // Only the whole message parses as JSON, so its error text proves it arrived in one piece.
        let json = Array(#"{"type":"error","message":"reassembled from four fragments"}"#.utf8)
        try caller.send(.text, fin: false, Array(json[0..<10]))
        try caller.send(.continuation, fin: false, [])
        try caller.send(.continuation, fin: false, Array(json[10..<30]))
        try caller.send(.continuation, fin: true, Array(json[30...]))
        let report = try caller.finish()
        #expect(report.outcome == .protocolError)
        #expect(report.error == "reassembled from four fragments")
    }

    @Test func aFragmentedMessageOverTheLimitIsAProtocolErrorNamingItsSize() throws {
        let caller = try Caller(limit: 1000)
        for _ in 0..<2 { try caller.send(.binary, fin: true, [UInt8](repeating: 0, count: 1000)) }
        try caller.send(.binary, fin: false, [UInt8](repeating: 0, count: 400))
        try caller.send(.continuation, fin: false, [UInt8](repeating: 0, count: 400))
        try caller.send(.continuation, fin: false, [UInt8](repeating: 0, count: 400))
        #expect(caller.stats.framesReceived == 2, "messages at the limit pass")
        let report = try caller.finish()
        #expect(report.outcome == .protocolError)
        #expect(report.error == "agent message of 1200 bytes exceeds the 1000-byte limit")
    }

    @Test func aSingleFrameOverTheLimitIsRefusedFromItsHeader() throws {
        let caller = try Caller(limit: 64 << 10)
        // A binary frame announcing 70 000 bytes (64-bit length), of which none are sent.
        try caller.channel.writeInbound(ByteBuffer(bytes: [0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]))
        let report = try caller.finish()
        #expect(report.outcome == .protocolError)
        #expect(report.error == "agent frame longer than the 64 KiB message limit")
    }

    @Test func theDefaultLimitIsSixteenMebibytes() throws {
        let caller = try Caller()
        try caller.send(.binary, fin: false, [UInt8](repeating: 0, count: 8 << 20))
        try caller.send(.continuation, fin: false, [UInt8](repeating: 0, count: 8 << 20))
        try caller.send(.continuation, fin: true, [1])
        let report = try caller.finish()
        #expect(report.error == "agent message of \((16 << 20) + 1) bytes exceeds the 16 MiB limit")
    }

    @Test func aContinuationOutsideAMessageIsAProtocolError() throws {
        let caller = try Caller()
        try caller.send(.continuation, fin: true, [1, 2, 3])
        let report = try caller.finish()
        #expect(report.outcome == .protocolError)
        #expect(report.error == "agent sent a continuation frame outside a fragmented message")
    }
}
