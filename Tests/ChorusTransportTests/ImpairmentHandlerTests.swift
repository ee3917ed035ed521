import CAllocationCounter
import ChorusNetwork
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import ChorusTransport

/// The impairment handler between a stand-in socket (`Edge`) and a stand-in caller (`App`), on an
/// `EmbeddedEventLoop`'s virtual clock: every unit's time is exact.
@Suite("Impairment handler", .serialized)
struct ImpairmentHandlerTests {
    static let ms: Int64 = 1_000_000

    // MARK: - The channel around the handler

    /// The socket's side: takes what the handler writes, noting when, and hands it reads.
    final class Edge: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        let loop: any EventLoop
        var records = true
        var writeCount = 0
        var flushes = 0
        var writes: [(ns: Int64, seq: UInt32)] = []
        var lastBytes: [UInt8] = []
        private var context: ChannelHandlerContext?

        init(loop: any EventLoop) { self.loop = loop }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            self.writeCount += 1
            if self.records {
                let buffer = self.unwrapOutboundIn(data)
                self.writes.append((Int64(self.loop.now.uptimeNanoseconds), ImpairmentHandlerTests.seq(buffer)))
                self.lastBytes = Array(buffer.readableBytesView)
            }
            promise?.succeed(())
        }

        func flush(context: ChannelHandlerContext) { self.flushes += 1 }

        /// Hands the handler above a unit as if the socket had just read it.
        func receive<Unit>(_ unit: Unit) { self.context?.fireChannelRead(NIOAny(unit)) }
    }

    /// The caller's side: writes units down and notes what it reads, with what the tap says meanwhile.
    final class App<In: LinkUnit>: ChannelInboundHandler {
        typealias InboundIn = In
        typealias OutboundOut = ByteBuffer
        let loop: any EventLoop
        let tap: LinkTap
        var records = true
        var readCount = 0
        var readCompletes = 0
        var reads: [(ns: Int64, seq: UInt32, held: (dueNs: Int64, heldNs: Int64)?)] = []
        var lastBytes: [UInt8] = []
        private var context: ChannelHandlerContext?

        init(loop: any EventLoop, tap: LinkTap) {
            self.loop = loop
            self.tap = tap
        }

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.readCount += 1
            guard self.records else { return }
            let payload = self.unwrapInboundIn(data).linkPayload
            let nowNs = Int64(self.loop.now.uptimeNanoseconds)
            self.reads.append((nowNs, ImpairmentHandlerTests.seq(payload), self.tap.heldDelivery))
            self.lastBytes = Array(payload.readableBytesView)
        }

        func channelReadComplete(context: ChannelHandlerContext) { self.readCompletes += 1 }

        /// Writes `buffer` toward the socket (no flush: the edge takes writes as they come).
        func send(_ buffer: ByteBuffer) { self.context?.write(self.wrapOutboundOut(buffer), promise: nil) }
    }

    /// One impaired channel: edge, handler and app.
    struct Link<In: LinkUnit> {
        var channel: EmbeddedChannel
        var edge: Edge
        var handler: ImpairmentHandler<In, ByteBuffer>
        var app: App<In>
        var tap: LinkTap { self.handler.tap }
    }

    static func link<In: LinkUnit>(
        loop: EmbeddedEventLoop, _ make: (LinkTap) -> ImpairmentHandler<In, ByteBuffer>
    ) throws -> Link<In> {
        let channel = EmbeddedChannel(loop: loop)
        let handler = make(LinkTap())
        let edge = Edge(loop: loop)
        let app = App<In>(loop: loop, tap: handler.tap)
        try channel.pipeline.syncOperations.addHandler(edge)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(app)
        return Link(channel: channel, edge: edge, handler: handler, app: app)
    }

    /// A unit of `bytes` bytes whose first four carry `seq`.
    static func unit(seq: Int, bytes: Int = 172) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes)
        buffer.writeInteger(UInt32(seq))
        buffer.writeRepeatingByte(UInt8(truncatingIfNeeded: seq), count: max(0, bytes - 4))
        return buffer
    }

    static func seq(_ buffer: ByteBuffer) -> UInt32 { buffer.getInteger(at: buffer.readerIndex) ?? .max }

    static func nowNs(_ loop: any EventLoop) -> Int64 { Int64(loop.now.uptimeNanoseconds) }

    static let agent = try! SocketAddress(ipAddress: "127.0.0.1", port: 5004)

    // MARK: - A stream (TCP) link

    static let lossyWithoutDelay = LinkProfile(
        name: "lossy", description: "loss and nothing else", source: "test",
        both: NetworkProfile(loss: .gilbertElliott(lossRate: 0.05, meanBurst: 2)))

    @Test(arguments: ["wifi-congested", "lossy"])
    func aStreamLinkDeliversEveryUnitInOrderAtItsModelledTime(profileName: String) throws {
        let profile = LinkProfile.named(profileName) ?? Self.lossyWithoutDelay
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let link = try Self.link(loop: loop) { tap in
            ImpairmentHandler<ByteBuffer, ByteBuffer>.stream(
                profile: profile, runSeed: 42, callerIndex: 3, tap: tap, scheduler: scheduler)
        }
        var upModel = link.handler.up
        var downModel = link.handler.down
        var sends: [Int64] = []
        var upDue: [Int64] = []
        var downDue: [Int64] = []
        let n = 1_000
        for i in 0..<n {
            let nowNs = Self.nowNs(loop)
            let bytes = 120 + (i % 7) * 100
            sends.append(nowNs)
            link.app.send(Self.unit(seq: i, bytes: bytes))
            upDue.append(try #require(upModel.fate(sendNs: nowNs, bytes: bytes).arrivalNs))
            #expect(link.tap.lastOutboundDueNs == upDue[i])
            link.edge.receive(Self.unit(seq: i, bytes: bytes))
            downDue.append(try #require(downModel.fate(sendNs: nowNs, bytes: bytes).arrivalNs))
            loop.advanceTime(by: .milliseconds(20))
        }
        loop.advanceTime(by: .seconds(60))

        // Nothing lost, nothing duplicated, in order, each exactly when the model delivers it.
        #expect(link.edge.writes.map(\.seq) == (0..<n).map { UInt32($0) })
        #expect(link.edge.writes.map(\.ns) == upDue)
        #expect(link.app.reads.map(\.seq) == (0..<n).map { UInt32($0) })
        #expect(link.app.reads.map(\.ns) == downDue)
        // The tap says when a read was held back, and for how long after it reached the socket.
        for (i, read) in link.app.reads.enumerated() {
            if downDue[i] > sends[i] {
                #expect(read.held?.dueNs == downDue[i] && read.held?.heldNs == downDue[i] - sends[i], "read \(i)")
            } else {
                #expect(read.held == nil, "read \(i)")
            }
        }
        #expect(link.tap.heldDelivery == nil)
        // One flush and one read-complete per release batch.
        let heldUp = zip(upDue, sends).filter { $0 > $1 }.map(\.0)
        let heldDown = zip(downDue, sends).filter { $0 > $1 }.map(\.0)
        #expect(link.edge.flushes == Set(heldUp).count && link.app.readCompletes == Set(heldDown).count)
        // The tap's counts are the model's, and the link did hold units back behind lost ones.
        #expect(link.tap.upStream == upModel.streamStats && link.tap.downStream == downModel.streamStats)
        let down = try #require(link.tap.downStream)
        #expect(down.messages == n && down.holBlocked > 0 && down.retransmissions > 0)
        if profileName == "lossy" {
            #expect(heldDown.count < n && !heldDown.isEmpty, "\(heldDown.count) of \(n) held")
        }
        #expect(link.handler.heldOutbound == 0 && link.handler.heldInbound == 0 && scheduler.isIdle)
        _ = try link.channel.finish()
    }

    @Test func theFactoriesBuildTheModelsTheCallersHaveAlwaysUsed() {
        let profile = LinkProfile.wifiCongested
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let stream = ImpairmentHandler<ByteBuffer, ByteBuffer>.stream(
            profile: profile, runSeed: 7, callerIndex: 5, tap: LinkTap(), scheduler: scheduler)
        let datagram = ImpairmentHandler<AddressedEnvelope<ByteBuffer>, ByteBuffer>.datagram(
            profile: profile, runSeed: 7, callerIndex: 5, tap: LinkTap(), scheduler: scheduler)
        // What WebSocketCallerHandler and RTPCallerHandler build inline.
        let seed: UInt64 = 7 &* 0x9E37_79B9_7F4A_7C15 &+ 5
        let rtt = max(1, profile.baseRTTMs)
        let link = LinkImpairment(profile: profile, runSeed: 7, callerIndex: 5)
        let pairs: [(LinkModel, LinkModel)] = [
            (stream.up, .stream(TCPStreamModel(profile: profile.up, seed: seed, rttMs: rtt))),
            (stream.down, .stream(TCPStreamModel(profile: profile.down, seed: seed &+ 1, rttMs: rtt))),
            (datagram.up, .datagram(link.up)), (datagram.down, .datagram(link.down)),
        ]
        for (built, expected) in pairs {
            var (a, b) = (built, expected)
            let fates = (0..<3_000).map { a.fate(sendNs: Int64($0) * 20 * Self.ms, bytes: 700) }
            #expect(fates == (0..<3_000).map { b.fate(sendNs: Int64($0) * 20 * Self.ms, bytes: 700) })
        }
        #expect(stream.up.preservesOrder && !datagram.up.preservesOrder)
    }

    // MARK: - A datagram (UDP) link

    @Test func aDatagramLinkDropsDuplicatesAndReordersAsItsModelDecides() throws {
        let profile = LinkProfile(
            name: "rough", description: "loss, jitter, reordering, duplicates", source: "test",
            both: NetworkProfile(
                loss: .gilbertElliott(lossRate: 0.05, meanBurst: 2), delayMs: 30, jitter: .uniform(halfWidthMs: 25),
                reorderRate: 0.05, duplicateRate: 0.03))
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let link = try Self.link(loop: loop) { tap in
            ImpairmentHandler<AddressedEnvelope<ByteBuffer>, ByteBuffer>.datagram(
                profile: profile, runSeed: 9, callerIndex: 1, tap: tap, scheduler: scheduler)
        }
        // An independent model with the same seed, fed the same send times.
        var model = LinkImpairment(profile: profile, runSeed: 9, callerIndex: 1)
        var upExpected: [(ns: Int64, seq: UInt32)] = []
        var downExpected: [(ns: Int64, seq: UInt32)] = []
        var sendNs: [Int64] = []
        let n = 3_000
        for i in 0..<n {
            let nowNs = Self.nowNs(loop)
            sendNs.append(nowNs)
            link.app.send(Self.unit(seq: i))
            switch model.up.decide(sendNs: nowNs, bytes: 172) {
            case .dropped:
                #expect(link.tap.lastOutboundDueNs == nil)
            case .deliver(let at, let copy):
                #expect(link.tap.lastOutboundDueNs == at)
                upExpected.append((at, UInt32(i)))
                if let copy { upExpected.append((copy, UInt32(i))) }
            }
            link.edge.receive(AddressedEnvelope(remoteAddress: Self.agent, data: Self.unit(seq: i)))
            if case .deliver(let at, let copy) = model.down.decide(sendNs: nowNs, bytes: 172) {
                downExpected.append((at, UInt32(i)))
                if let copy { downExpected.append((copy, UInt32(i))) }
            }
            loop.advanceTime(by: .milliseconds(10))
        }
        loop.advanceTime(by: .seconds(1))

        func sorted(_ units: [(ns: Int64, seq: UInt32)]) -> [[Int64]] {
            units.map { [$0.ns, Int64($0.seq)] }.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        }
        let directions = [("up", model.up.stats, link.handler.up), ("down", model.down.stats, link.handler.down)]
        for (direction, stats, handled) in directions {
            #expect(handled.datagramStats == stats, "\(direction)")
            #expect(stats.sent == n && stats.delivered + stats.dropped == n, "\(direction)")
            #expect(stats.dropped > 0 && stats.duplicated > 0 && stats.reordered > 0, "\(direction): \(stats)")
        }
        // Delivered + duplicated units come out, each exactly at its time, so reordered units leave in due order.
        let written = link.edge.writes
        #expect(written.count == model.up.stats.delivered + model.up.stats.duplicated)
        #expect(sorted(written) == sorted(upExpected))
        #expect(zip(written, written.dropFirst()).allSatisfy { $0.ns <= $1.ns })
        #expect(zip(written, written.dropFirst()).contains { $0.seq > $1.seq }, "no unit overtook another")
        let reads = link.app.reads
        #expect(reads.count == model.down.stats.delivered + model.down.stats.duplicated)
        #expect(sorted(reads.map { (ns: $0.ns, seq: $0.seq) }) == sorted(downExpected))
        #expect(zip(reads, reads.dropFirst()).allSatisfy { $0.ns <= $1.ns })
        #expect(zip(reads, reads.dropFirst()).contains { $0.seq > $1.seq }, "no unit overtook another")
        // Units that overtook pass straight through; the others are marked held, for as long as they were.
        var passed = 0
        for read in reads {
            let sentNs = sendNs[Int(read.seq)]
            if let held = read.held {
                #expect(held.dueNs == read.ns && held.heldNs == read.ns - sentNs)
            } else {
                passed += 1
                #expect(read.ns == sentNs)
            }
        }
        #expect(passed > 0 && passed < reads.count)
        #expect(link.handler.heldOutbound == 0 && link.handler.heldInbound == 0 && scheduler.isIdle)
        _ = try link.channel.finish()
    }

    // MARK: - Many channels, one timer

    @Test(arguments: [(0.0, Int64(0)), (10.0, Int64(1_000_000))])
    func aHundredChannelsOnALoopShareOneTimer(jitterMs: Double, resolutionNs: Int64) throws {
        let profile = LinkProfile(
            name: "shared", description: "", source: "test",
            both: NetworkProfile(
                loss: .bernoulli(rate: 0.02), delayMs: 40,
                jitter: jitterMs > 0 ? .uniform(halfWidthMs: jitterMs) : .none))
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop, resolutionNs: resolutionNs)
        let links = try (0..<100).map { index in
            try Self.link(loop: loop) { tap in
                ImpairmentHandler<ByteBuffer, ByteBuffer>.datagram(
                    profile: profile, runSeed: 11, callerIndex: index, tap: tap, scheduler: scheduler)
            }
        }
        var models = (0..<100).map { LinkImpairment(profile: profile, runSeed: 11, callerIndex: $0) }
        var upDue = Array(repeating: [Int64](), count: 100)
        var downDue = Array(repeating: [Int64](), count: 100)
        let ticks = 100
        for tick in 0..<ticks {
            let nowNs = Self.nowNs(loop)
            for (c, link) in links.enumerated() {
                link.app.send(Self.unit(seq: tick))
                if case .deliver(let at, let copy) = models[c].up.decide(sendNs: nowNs, bytes: 172) {
                    upDue[c] += [at] + (copy.map { [$0] } ?? [])
                }
                link.edge.receive(Self.unit(seq: tick))
                if case .deliver(let at, let copy) = models[c].down.decide(sendNs: nowNs, bytes: 172) {
                    downDue[c] += [at] + (copy.map { [$0] } ?? [])
                }
            }
            loop.advanceTime(by: .milliseconds(20))
        }
        loop.advanceTime(by: .seconds(1))

        // Every unit leaves at its due time (rounded up to the scheduler's grid), and the tap keeps the exact one.
        func wake(_ dueNs: Int64) -> Int64 {
            resolutionNs > 0 ? (dueNs + resolutionNs - 1) / resolutionNs * resolutionNs : dueNs
        }
        for (c, link) in links.enumerated() {
            #expect(link.edge.writes.map(\.ns).sorted() == upDue[c].map(wake).sorted(), "channel \(c) up")
            #expect(link.app.reads.map(\.ns).sorted() == downDue[c].map(wake).sorted(), "channel \(c) down")
            #expect(link.app.reads.map { $0.held?.dueNs ?? -1 }.sorted() == downDue[c].sorted(), "channel \(c) down")
        }
        let held = upDue.map(\.count).reduce(0, +) + downDue.map(\.count).reduce(0, +)
        print("\(links.count) channels, jitter \(jitterMs) ms, resolution \(resolutionNs) ns: \(held) held units, "
            + "\(scheduler.timersScheduled) timers, \(scheduler.wakeUps) wake-ups")
        #expect(held > 19_000)
        #expect(scheduler.timersScheduled * (jitterMs > 0 ? 5 : 100) <= held)
        #expect(scheduler.isIdle)
        for link in links { _ = try link.channel.finish() }
    }

    // MARK: - Held copies and closing

    @Test func heldUnitsAreCopiesNotTheCallersOrTheSocketsBuffer() throws {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let link = try Self.link(loop: loop) { tap in
            ImpairmentHandler<ByteBuffer, ByteBuffer>.datagram(
                profile: LinkProfile(name: "slow", description: "", source: "test", both: NetworkProfile(delayMs: 40)),
                runSeed: 1, callerIndex: 0, tap: tap, scheduler: scheduler)
        }
        func address(_ buffer: ByteBuffer) -> UInt? {
            buffer.withUnsafeReadableBytes { $0.baseAddress.map { UInt(bitPattern: $0) } }
        }
        let original = Array(Self.unit(seq: 7).readableBytesView)

        // The caller rewrites its scratch packet in place, as the RTP caller does for every packet.
        var scratch = Self.unit(seq: 7)
        link.app.send(scratch)
        #expect(link.handler.heldOutbound == 1 && link.edge.writeCount == 0)
        let before = address(scratch)
        scratch.withUnsafeMutableReadableBytes { bytes in for i in bytes.indices { bytes[i] = 0xEE } }
        // Same storage: nothing else held it, so the rewrite did not copy (copy-on-write would allocate).
        #expect(address(scratch) == before)

        // The socket's receive buffer, reused for the next read.
        var received = Self.unit(seq: 7)
        link.edge.receive(received)
        #expect(link.handler.heldInbound == 1 && link.app.readCount == 0)
        let receivedBefore = address(received)
        received.withUnsafeMutableReadableBytes { bytes in for i in bytes.indices { bytes[i] = 0xDD } }
        #expect(address(received) == receivedBefore)

        loop.advanceTime(by: .milliseconds(40))
        #expect(link.edge.lastBytes == original && link.app.lastBytes == original)
        _ = try link.channel.finish()
    }

    @Test func closingDropsWhatIsHeldAndLeavesTheOtherChannelsAlone() throws {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let profile = LinkProfile(name: "slow", description: "", source: "test", both: NetworkProfile(delayMs: 40))
        let links = try (0..<2).map { index in
            try Self.link(loop: loop) { tap in
                ImpairmentHandler<ByteBuffer, ByteBuffer>.stream(
                    profile: profile, runSeed: 1, callerIndex: index, tap: tap, scheduler: scheduler)
            }
        }
        for i in 0..<3 {
            for link in links {
                link.app.send(Self.unit(seq: i))
                link.edge.receive(Self.unit(seq: i))
            }
            loop.advanceTime(by: .milliseconds(10))
        }
        #expect(links[0].handler.heldOutbound == 3 && links[0].handler.heldInbound == 3)
        links[0].channel.close(promise: nil)
        #expect(links[0].handler.heldOutbound == 0 && links[0].handler.heldInbound == 0 && !scheduler.isIdle)
        loop.advanceTime(by: .milliseconds(100))
        #expect(links[0].edge.writeCount == 0 && links[0].app.readCount == 0)
        #expect(links[1].edge.writeCount == 3 && links[1].app.readCount == 3)
        #expect(scheduler.isIdle)
        _ = try links[1].channel.finish()
    }

    // MARK: - Allocations

    // 0.1 per unit is one allocation every 10 units: an allocation per unit is 10 times that.
    static let bound = 0.1

    /// 100 channels on one embedded loop, 10,000 units counted after a warm-up, on the test's thread (the loop's).
    ///
    /// An `EmbeddedEventLoop` allocates 8 times for every timer (`scheduleCallback` falls back to `scheduleTask`: the
    /// task, its promise, future and closures, and the batch array `advanceTime` builds). That is all this counts:
    /// with about 200 units sharing each wake-up here, 0.04 per unit. A real loop's timers cost nothing (below).
    @Test func impairedChannelsOnAnEmbeddedLoopAllocateNothingPerUnit() throws {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let profile = LinkProfile(
            name: "lossy", description: "", source: "test",
            both: NetworkProfile(loss: .bernoulli(rate: 0.02), delayMs: 40, duplicateRate: 0.01))
        let links = try (0..<100).map { index in
            try Self.link(loop: loop) { tap in
                ImpairmentHandler<AddressedEnvelope<ByteBuffer>, ByteBuffer>.datagram(
                    profile: profile, runSeed: 3, callerIndex: index, tap: tap, scheduler: scheduler)
            }
        }
        var scratch = (0..<100).map { Self.unit(seq: $0) }
        var receive = (0..<100).map { Self.unit(seq: $0) }
        for link in links {
            link.edge.records = false
            link.app.records = false
        }
        func tick(_ t: Int) {
            for (c, link) in links.enumerated() {
                // Rewritten in place per unit, like the RTP caller's scratch packet and NIO's receive buffer.
                scratch[c].setInteger(UInt32(t), at: scratch[c].readerIndex)
                link.app.send(scratch[c])
                receive[c].setInteger(UInt32(t), at: receive[c].readerIndex)
                link.edge.receive(AddressedEnvelope(remoteAddress: Self.agent, data: receive[c]))
            }
            loop.advanceTime(by: .milliseconds(20))
        }
        for t in 0..<100 { tick(t) }
        let units = { links.reduce(0) { $0 + $1.edge.writeCount + $1.app.readCount } }
        let (unitsBefore, wakesBefore) = (units(), scheduler.wakeUps)
        chorus_allocations_start()
        for t in 100..<150 { tick(t) }
        let allocations = chorus_allocations_stop()
        let moved = units() - unitsBefore
        let wakes = scheduler.wakeUps - wakesBefore
        let perUnit = Double(allocations) / Double(max(1, moved))
        print("embedded loop, 100 channels: \(allocations) allocations for \(moved) units and \(wakes) wake-ups: "
            + "\(perUnit) per unit, \(Double(allocations) / Double(max(1, wakes))) per wake-up")
        #expect(moved >= 9_500)
        #expect(perUnit < Self.bound)
        for link in links { _ = try link.channel.finish() }
    }

    /// Measured on the loop's thread while `Driver` ran.
    struct Measurement: Sendable {
        var allocations = 0
        var units = 0
        var delayWakeUps = 0
        var timersScheduled = 0
        var driverTicks = 0
    }

    /// Drives impaired channels on a real event loop as callers would: each channel sends a unit each way every
    /// 20 ms, in the millisecond slot of its index (as the frame pacer spreads callers), counting the loop thread's
    /// allocations over a window after a warm-up.
    final class Driver<In: LinkUnit>: NIOScheduledCallbackHandler {
        let loop: any EventLoop
        let links: [(edge: Edge, app: App<In>)]
        let scheduler: DelayScheduler
        /// How the socket hands up what it read.
        let received: (ByteBuffer) -> In
        let done: EventLoopPromise<Measurement>
        let warmUpTicks = 1_000
        let measuredTicks = 1_000
        let drainTicks = 100
        private var scratch: [ByteBuffer]
        private var receive: [ByteBuffer]
        private var tick = 0
        private var nextNs: Int64 = 0
        private var measurement = Measurement()
        private var unitsAtStart = 0
        private var wakesAtStart = 0
        private var timersAtStart = 0

        init(
            loop: any EventLoop, links: [(edge: Edge, app: App<In>)], scheduler: DelayScheduler,
            received: @escaping (ByteBuffer) -> In, done: EventLoopPromise<Measurement>
        ) {
            self.loop = loop
            self.links = links
            self.scheduler = scheduler
            self.received = received
            self.done = done
            self.scratch = links.indices.map { ImpairmentHandlerTests.unit(seq: $0) }
            self.receive = links.indices.map { ImpairmentHandlerTests.unit(seq: $0) }
        }

        func start() {
            self.nextNs = ImpairmentHandlerTests.nowNs(self.loop) + ImpairmentHandlerTests.ms
            self.schedule()
        }

        private var units: Int { self.links.reduce(0) { $0 + $1.edge.writeCount + $1.app.readCount } }

        func handleScheduledCallback(eventLoop: some EventLoop) {
            if self.tick == self.warmUpTicks {
                (self.unitsAtStart, self.wakesAtStart) = (self.units, self.scheduler.wakeUps)
                self.timersAtStart = self.scheduler.timersScheduled
                chorus_allocations_start()
            }
            if self.tick == self.warmUpTicks + self.measuredTicks {
                self.measurement.allocations = chorus_allocations_stop()
                self.measurement.units = self.units - self.unitsAtStart
                self.measurement.delayWakeUps = self.scheduler.wakeUps - self.wakesAtStart
                self.measurement.timersScheduled = self.scheduler.timersScheduled - self.timersAtStart
                self.measurement.driverTicks = self.measuredTicks
            }
            if self.tick < self.warmUpTicks + self.measuredTicks {
                var c = self.tick % 20
                while c < self.links.count {
                    // Rewritten in place per unit, like the RTP caller's scratch packet and NIO's receive buffer.
                    self.scratch[c].setInteger(UInt32(truncatingIfNeeded: self.tick), at: self.scratch[c].readerIndex)
                    self.links[c].app.send(self.scratch[c])
                    self.receive[c].setInteger(UInt32(truncatingIfNeeded: self.tick), at: self.receive[c].readerIndex)
                    self.links[c].edge.receive(self.received(self.receive[c]))
                    c += 20
                }
            }
            self.tick += 1
            if self.tick <= self.warmUpTicks + self.measuredTicks + self.drainTicks {
                self.nextNs += ImpairmentHandlerTests.ms
                self.schedule()
            } else {
                self.done.succeed(self.measurement)
            }
        }

        private func schedule() {
            let at = NIODeadline.uptimeNanoseconds(UInt64(self.nextNs))
            _ = try? self.loop.assumeIsolated().scheduleCallback(at: at, handler: self)
        }
    }

    /// Runs `Driver` over 100 channels on one real loop: UDP sockets whose writes `Edge` takes before they reach them.
    static func measureOnARealLoop<In: LinkUnit>(
        _ make: @escaping @Sendable (Int, LinkTap, DelayScheduler) -> ImpairmentHandler<In, ByteBuffer>,
        received: @escaping @Sendable (ByteBuffer) -> In
    ) throws -> Measurement {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let channels = try (0..<100).map { _ in
            try DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        }
        let done = loop.makePromise(of: Measurement.self)
        try loop.submit {
            let scheduler = DelayScheduler(eventLoop: loop)
            var links: [(edge: Edge, app: App<In>)] = []
            for (index, channel) in channels.enumerated() {
                let handler = make(index, LinkTap(), scheduler)
                let edge = Edge(loop: loop)
                let app = App<In>(loop: loop, tap: handler.tap)
                edge.records = false
                app.records = false
                try channel.pipeline.syncOperations.addHandler(edge)
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.pipeline.syncOperations.addHandler(app)
                links.append((edge, app))
            }
            Driver(loop: loop, links: links, scheduler: scheduler, received: received, done: done).start()
        }.wait()
        let measurement = try done.futureResult.wait()
        for channel in channels { try channel.close().wait() }
        return measurement
    }

    /// 100 channels on a real `SelectableEventLoop`, about 10,000 units through datagram or stream links, counted on
    /// the loop's thread: the scheduler's timer is NIO's `scheduleCallback`, which keeps the scheduler in the
    /// loop's task heap and allocates nothing per timer, so a held unit may have a wake-up of its own.
    @Test(arguments: [false, true])
    func impairedChannelsOnARealLoopAllocateNothingPerUnit(stream: Bool) throws {
        let profile = LinkProfile(
            name: "rough", description: "", source: "test",
            both: NetworkProfile(
                loss: .gilbertElliott(lossRate: 0.03, meanBurst: 2), delayMs: 40, jitter: .uniform(halfWidthMs: 10),
                reorderRate: 0.01, duplicateRate: 0.01))
        let m =
            stream
            ? try Self.measureOnARealLoop(
                { index, tap, scheduler in
                    ImpairmentHandler<ByteBuffer, ByteBuffer>.stream(
                        profile: profile, runSeed: 5, callerIndex: index, tap: tap, scheduler: scheduler)
                }, received: { $0 })
            : try Self.measureOnARealLoop(
                { index, tap, scheduler in
                    ImpairmentHandler<AddressedEnvelope<ByteBuffer>, ByteBuffer>.datagram(
                        profile: profile, runSeed: 5, callerIndex: index, tap: tap, scheduler: scheduler)
                }, received: { AddressedEnvelope(remoteAddress: Self.agent, data: $0) })
        let perUnit = Double(m.allocations) / Double(max(1, m.units))
        let perWake = Double(m.allocations) / Double(max(1, m.delayWakeUps + m.driverTicks))
        print("real loop, 100 \(stream ? "stream" : "datagram") channels: \(m.allocations) allocations for \(m.units) "
            + "units, \(m.delayWakeUps) delay wake-ups (\(m.timersScheduled) timers) and \(m.driverTicks) driver "
            + "ticks: \(perUnit) per unit, \(perWake) per wake-up")
        #expect(m.units >= 9_000)
        #expect(perUnit < Self.bound)
    }
}
