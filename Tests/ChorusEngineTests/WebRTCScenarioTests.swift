import ChorusCore
import ChorusEngine
import ChorusTestSupport
import ChorusTransport
import Testing

@Suite("WebRTC scenario keys")
struct WebRTCScenarioTests {
    let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"

    @Test func everyKeyIsRead() throws {
        let yaml = """
            target:
              transport: webrtc
              url: https://agent.example/api/offer
              signalling: pipecat
              codec: pcmu/8000
              local_address: 192.0.2.10
              dtls_retransmit: 250ms
            session: {utterances: [audio/book-a-table.wav]}
            """
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        #expect(s.target.transport == .webrtc && s.target.signalling == .pipecat)
        #expect(s.target.url == "https://agent.example/api/offer" && s.target.codec == "pcmu/8000")
        #expect(s.target.localAddress == "192.0.2.10" && s.target.dtlsRetransmitMs == 250)
    }

    @Test func theDefaultsAreWHIPAndOpusAt48kHz() throws {
        let s = try Scenario.parse(yaml: "target: {transport: webrtc}\nsession: {utterances: [audio/book-a-table.wav]}", path: self.path)
        #expect(s.target.signalling == .whip && s.target.codec == "opus/48000" && s.target.dtlsRetransmitMs == 100)
    }

    @Test func badValuesAreAllNamedAtOnce() throws {
        let yaml = """
            target:
              transport: webrtc
              url: ws://agent.example/
              signalling: sip
              codec: pcm16/16000
              local_address: agent.example
              dtls_retransmit: 5ms
            session: {utterances: [audio/book-a-table.wav]}
            """
        let error = try #require(throws: ScenarioError.self) { try Scenario.parse(yaml: yaml, path: self.path) }
        let text = error.problems.joined(separator: "\n")
        #expect(text.contains("target.url") && text.contains("not an http:// or https:// URL"), "\(text)")
        #expect(text.contains("target.signalling") && text.contains("expected one of: whip, pipecat"), "\(text)")
        #expect(text.contains("target.codec"), "\(text)")
        #expect(text.contains("target.local_address") && text.contains("not an IPv4 or IPv6 address"), "\(text)")
        #expect(text.contains("target.dtls_retransmit"), "\(text)")
        #expect(error.problems.count >= 5)
    }
}
