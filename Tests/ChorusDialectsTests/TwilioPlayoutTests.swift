import ChorusDialects
import Testing

@Suite("Twilio playout and mark echoes")
struct TwilioPlayoutTests {
    @Test func marksReturnAfterTheAudioQueuedBeforeThem() {
        var playout = TwilioPlayout()
        playout.enqueueAudio(byteCount: 320)  // 40 ms
        #expect(playout.enqueueMark("a").isEmpty)
        playout.enqueueAudio(byteCount: 160)
        #expect(playout.enqueueMark("b").isEmpty)
        #expect(playout.queuedMilliseconds == 60)
        #expect(playout.play(byteCount: 160).isEmpty)
        #expect(playout.play(byteCount: 160) == ["a"])
        #expect(playout.play(byteCount: 100).isEmpty)
        #expect(playout.play(byteCount: 100) == ["b"])  // over-asking plays only what is queued
        #expect(playout.queuedBytes == 0)
        #expect(playout.play(byteCount: 160).isEmpty)
    }

    @Test func aMarkWithNothingQueuedReturnsAtOnce() {
        var playout = TwilioPlayout()
        #expect(playout.enqueueMark("now") == ["now"])
        playout.enqueueAudio(byteCount: 160)
        _ = playout.play(byteCount: 160)
        #expect(playout.enqueueMark("again") == ["again"])
    }

    @Test func clearDropsAudioAndReturnsEveryPendingMark() {
        var playout = TwilioPlayout()
        for i in 0..<3 {
            playout.enqueueAudio(byteCount: 160)
            _ = playout.enqueueMark("m\(i)")
        }
        #expect(playout.play(byteCount: 200) == ["m0"])
        #expect(playout.clear() == ["m1", "m2"])
        #expect(playout.queuedBytes == 0)
        #expect(playout.clear().isEmpty)
        #expect(playout.enqueueMark("after") == ["after"])
    }

    @Test func longCallsStayConsistent() {
        var playout = TwilioPlayout()
        var echoed: [String] = []
        for i in 0..<1_000 {
            playout.enqueueAudio(byteCount: 320)
            echoed += playout.enqueueMark("\(i)")
            echoed += playout.play(byteCount: 160)
        }
        echoed += playout.play(byteCount: Int.max / 2)
        #expect(echoed == (0..<1_000).map(String.init))
        #expect(playout.queuedBytes == 0)
    }
}
