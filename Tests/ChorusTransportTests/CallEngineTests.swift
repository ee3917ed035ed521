import ChorusCore
import NIOCore
import NIOEmbedded
import Testing

@testable import ChorusTransport

/// The call engine with the smallest media there is: frames go into an array, the "agent" is the test, writing
/// units straight into the channel. Everything a transport does not own (the flow of turns, the frame grid, the
/// pacer, turn timing, hanging up, the report) is the engine's, and is checked here in virtual time.
@Suite("Call engine")
struct CallEngineTests {
    /// What the test's agent sends: audio of a response, or the end of one.
    enum AgentUnit {
        case audio(response: Int)
        case end(response: Int)
    }

    /// A transport that is nothing but a log.
    final class LogMedia: CallMedia {
        typealias Inbound = AgentUnit
        struct Sent: Equatable {
            var clip: Int?
            var frame: Int
            var deadlineNs: Int64
        }

        var sent: [Sent] = []
        var opening = CallOpening.stream
        var opened = 0
        var goodbyes = 0
        var finishedTurns = 0
        let frameNs: Int64 = 20_000_000
        let clipShapes = [CallFlow.ClipShape(name: "hello", frameCount: 10, lastSpeechFrame: 7)]
        var failsOnChannelError: Bool { true }
        var closedReason: String { "closed" }

        func open(_ call: CallEngine<LogMedia>) -> CallOpening {
            self.opened += 1
            return self.opening
        }

        func sendClipFrame(clip: Int, frame: Int, deadlineNs: Int64, _ call: CallEngine<LogMedia>) {
            self.sent.append(Sent(clip: clip, frame: frame, deadlineNs: deadlineNs))
        }

        func sendSilence(deadlineNs: Int64, _ call: CallEngine<LogMedia>) {
            self.sent.append(Sent(clip: nil, frame: 0, deadlineNs: deadlineNs))
        }

        func tick(nowNs: Int64, _ call: CallEngine<LogMedia>) -> Bool { false }

        func receive(_ unit: AgentUnit, arrivalNs: Int64, downDelayNs: Int64, _ call: CallEngine<LogMedia>) {
            switch unit {
            case .audio(let response):
                call.flow.audio(
                    atNs: arrivalNs, durationNs: self.frameNs, audible: true, response: response, endIsMarked: true,
                    downDelayNs: downDelayNs)
            case .end(let response):
                call.flow.responseEnded(atNs: arrivalNs, response: response)
            }
        }

        func hangUp(_ call: CallEngine<LogMedia>) -> TimeAmount {
            self.goodbyes += 1
            return .milliseconds(100)
        }

        func turnsFinished(_ call: CallEngine<LogMedia>) { self.finishedTurns = call.flow.turns.count }

        func networkStats(_ call: CallEngine<LogMedia>) -> [NetworkStats] {
            [NetworkStats(direction: "up", packetsSent: Int(call.framesSent))]
        }
    }

    @Test func aCallWaitingForTheAgentIsFreedOnceItEndsAndTimesOutOtherwise() throws {
        let loop = EmbeddedEventLoop()
        let stats = LoopStats(eventLoop: loop)
        let plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "waits", turnClips: [0], thinkNs: [0],
            responseTimeoutNs: 1_000_000_000, originNs: 0, seed: 1)
        // The agent never confirms: the call fails when the response timeout runs out.
        let media = LogMedia()
        media.opening = .waitForAgent
        let promise = loop.makePromise(of: CallerReport.self)
        let channel = EmbeddedChannel(handler: CallEngine(plan: plan, media: media, stats: stats, promise: promise), loop: loop)
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        loop.advanceTime(by: .milliseconds(999))
        #expect(media.sent.isEmpty, "frames before the agent confirmed")
        loop.advanceTime(by: .milliseconds(200))
        _ = try? channel.finish()
        let report = try promise.futureResult.wait()
        #expect(report.outcome == .protocolError)
        #expect(report.error?.contains("did not confirm the session") == true, "\(report.error ?? "")")

        // A call that ends while it waits is freed at once, not when its wait would have run out.
        weak var engine: CallEngine<LogMedia>?
        do {
            let waiting = LogMedia()
            waiting.opening = .waitForAgent
            let made = CallEngine(plan: plan, media: waiting, stats: stats, promise: loop.makePromise(of: CallerReport.self))
            engine = made
            let channel = EmbeddedChannel(handler: made, loop: loop)
            channel.pipeline.fireUserInboundEventTriggered(CallerStart())
            loop.advanceTime(by: .milliseconds(100))
            _ = try? channel.finish()
        }
        #expect(engine == nil, "a call that ended while waiting for the agent stayed in memory")
    }

    @Test func theEngineRunsTurnsOnItsGridAndTimesThemOnTheLoopsClock() throws {
        let loop = EmbeddedEventLoop()
        let stats = LoopStats(eventLoop: loop)
        let media = LogMedia()
        let plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "engine", turnClips: [0, 0], thinkNs: [40_000_000, 40_000_000],
            responseTimeoutNs: 2_000_000_000, originNs: 0, seed: 1)
        let promise = loop.makePromise(of: CallerReport.self)
        let engine = CallEngine(plan: plan, media: media, stats: stats, promise: promise)
        let channel = EmbeddedChannel(handler: engine, loop: loop)
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        #expect(media.opened == 1)

        func step(untilNs: Int64) {
            while Int64(loop.now.uptimeNanoseconds) < untilNs { loop.advanceTime(by: .milliseconds(1)) }
        }
        // The first turn: ten frames of the clip on an absolute 20 ms grid.
        step(untilNs: Int64(loop.now.uptimeNanoseconds) + 400_000_000)
        let clip = media.sent.prefix(10)
        #expect(clip.map(\.frame) == Array(0..<10))
        let first = try #require(clip.first).deadlineNs
        #expect(clip.enumerated().allSatisfy { $0.element.deadlineNs == first + Int64($0.offset) * 20_000_000 })
        // The end of speech went with frame 7; the agent answers 250 ms later with two frames, then ends.
        let eosNs = first + 7 * 20_000_000
        step(untilNs: eosNs + 250_000_000)
        try channel.writeInbound(AgentUnit.audio(response: 0))
        step(untilNs: eosNs + 270_000_000)
        try channel.writeInbound(AgentUnit.audio(response: 0))
        try channel.writeInbound(AgentUnit.end(response: 0))
        #expect(media.finishedTurns == 1)
        // While it waited it sent silence, still on the grid.
        #expect(media.sent.dropFirst(10).allSatisfy { $0.clip == nil && ($0.deadlineNs - first) % 20_000_000 == 0 })

        // The second turn is answered 120 ms after its end of speech; then the plan is done and the engine says goodbye.
        let secondStart = media.sent.count
        step(untilNs: Int64(loop.now.uptimeNanoseconds) + 300_000_000)
        let second = try #require(media.sent[secondStart...].first { $0.clip == 0 && $0.frame == 7 })
        step(untilNs: second.deadlineNs + 120_000_000)
        try channel.writeInbound(AgentUnit.audio(response: 1))
        try channel.writeInbound(AgentUnit.end(response: 1))
        step(untilNs: Int64(loop.now.uptimeNanoseconds) + 100_000_000)
        #expect(media.goodbyes == 1)
        let sentAtGoodbye = media.sent.count
        step(untilNs: Int64(loop.now.uptimeNanoseconds) + 200_000_000)
        #expect(media.sent.count == sentAtGoodbye, "frames after hanging up")
        #expect(!channel.isActive, "the engine closes after the media's grace period")

        let report = try promise.futureResult.wait()
        #expect(report.outcome == .ok)
        #expect(report.turns.count == 2)
        // Virtual time is exact: t_eos is the deadline of the frame holding the last speech sample.
        #expect(report.turns.map(\.ttfaMs) == [250, 120])
        #expect(report.turns.allSatisfy { $0.eosLateMs == 0 })
        #expect(report.turns[0].responseMs == 40)
        #expect(report.network.first?.packetsSent == media.sent.count)
        #expect(stats.activeSessions == 0)
    }

    @Test func anInterruptEndsTheCallAsInterruptedAndStillReports() throws {
        let loop = EmbeddedEventLoop()
        let stats = LoopStats(eventLoop: loop)
        let media = LogMedia()
        let plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "engine", turnClips: [0], thinkNs: [0],
            responseTimeoutNs: 2_000_000_000, originNs: 0, seed: 1)
        let promise = loop.makePromise(of: CallerReport.self)
        let channel = EmbeddedChannel(
            handler: CallEngine(plan: plan, media: media, stats: stats, promise: promise), loop: loop)
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        for _ in 0..<100 { loop.advanceTime(by: .milliseconds(1)) }
        channel.pipeline.fireUserInboundEventTriggered(CallerInterrupt())
        #expect(media.goodbyes == 1)
        for _ in 0..<200 { loop.advanceTime(by: .milliseconds(1)) }
        let report = try promise.futureResult.wait()
        #expect(report.outcome == .interrupted)
        #expect(report.turns.map(\.outcome) == [.interrupted])
    }

    struct ConsentLapsed: LinkEndingError {
        var description: String { "ICE: consent expired (no answer for 30 s)" }
    }

    @Test func aLinkThatEndsTheCallNamesWhyItClosed() throws {
        let loop = EmbeddedEventLoop()
        let stats = LoopStats(eventLoop: loop)
        let media = LogMedia()
        let plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "engine", turnClips: [0, 0], thinkNs: [0, 0],
            responseTimeoutNs: 2_000_000_000, originNs: 0, seed: 1)
        let promise = loop.makePromise(of: CallerReport.self)
        let channel = EmbeddedChannel(
            handler: CallEngine(plan: plan, media: media, stats: stats, promise: promise), loop: loop)
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        for _ in 0..<100 { loop.advanceTime(by: .milliseconds(1)) }
        // What WebRTC's secure layer does when consent lapses mid-call: says why, then closes the channel.
        channel.pipeline.fireErrorCaught(ConsentLapsed())
        _ = try? channel.close().wait()
        let report = try promise.futureResult.wait()
        #expect(report.outcome == .dropped)
        #expect(report.error == "ICE: consent expired (no answer for 30 s)")
    }
}
