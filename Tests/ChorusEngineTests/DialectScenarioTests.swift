import ChorusAudio
import ChorusCore
import ChorusEngine
import ChorusTestSupport
import ChorusTransport
import Foundation
import Testing

@Suite("Dialect scenarios: codecs, turns, headers and secrets")
struct DialectScenarioTests {
    let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"
    let session = "\nsession: {utterances: [audio/book-a-table.wav]}"

    @Test(arguments: [
        ("openai-realtime", "pcm16/24000", "vad"), ("twilio", "pcmu/8000", "vad"), ("pipecat", "pcm16/16000", "vad"),
        ("chorus", "pcm16/16000", "message"),
    ])
    func eachDialectHasItsDefaults(dialect: String, codec: String, endOfTurn: String) throws {
        let s = try Scenario.parse(yaml: "target: {dialect: \(dialect)}" + self.session, path: self.path)
        #expect(s.target.codec == codec)
        #expect(s.target.endOfTurn == endOfTurn)
    }

    @Test(arguments: [
        ("target: {dialect: twilio, codec: pcm16/16000}", "target.codec", "not supported by the twilio dialect"),
        ("target: {dialect: openai-realtime, codec: pcm16/16000}", "target.codec", "pcm16/24000, pcmu/8000"),
        ("target: {dialect: twilio, end_of_turn: message}", "target.end_of_turn", "no end-of-turn message"),
        ("target: {dialect: chorus, twilio: {account_sid: AC1}}", "target.twilio", "dialect twilio only"),
        ("target: {dialect: twilio, twilio: {account_sid: AC1}}", "target.twilio.account_sid", "32 hex digits"),
        ("target: {tls: {ca_file: nope.pem}}", "target.tls.ca_file", "CA file 'nope.pem' not found"),
        ("target: {tls: {insecur: true}}", "target.tls.insecur", "did you mean 'insecure'"),
        ("target: {headers: [a, b]}", "target.headers", "mapping of names"),
    ])
    func badDialectSettingsNameTheKey(yaml: String, key: String, expected: String) throws {
        let error = try #require(throws: ScenarioError.self) { try Scenario.parse(yaml: yaml + self.session, path: self.path) }
        let line = try #require(error.problems.first { $0.contains(key + ":") }, "\(error.problems)")
        #expect(line.contains(expected), "\(line)")
    }

    @Test func headersExpandFromTheEnvironmentAndSecretsAreListed() throws {
        let yaml = """
            target:
              url: ws://agent.example:9000/v1/realtime
              dialect: openai-realtime
              headers: {Authorization: "Bearer ${CHORUS_TEST_KEY}", X-Team: voice}
              query: {model: gpt-realtime, token: literal-token-123}
              subprotocols: [realtime]
            """ + self.session
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        let environment = ["CHORUS_TEST_KEY": "sk-secret-abc"]
        let target = try WebSocketTarget.make(
            s, utterances: { rate in [Self.tone(rate: rate)] }, embeddedPort: nil, environment: environment)
        let (endpoint, dialect, options) = (target.endpoint, target.dialect, target.options)
        #expect(dialect.name == "openai-realtime")
        #expect(endpoint.path == "/v1/realtime?model=gpt-realtime&token=literal-token-123")
        #expect(options.headers.contains(.init(name: "Authorization", value: "Bearer sk-secret-abc")))
        #expect(options.subprotocols == ["realtime"])
        #expect(Set(options.secrets) == ["sk-secret-abc", "literal-token-123"])
        #expect(!target.description.contains("literal-token-123"))

        // Stored configuration keeps ${VAR} references (no secret in them) and masks literal credentials.
        let stored = s.redactedForStorage
        #expect(stored.target.headers["Authorization"] == "Bearer ${CHORUS_TEST_KEY}")
        #expect(stored.target.query["token"] == "***")
        #expect(stored.target.query["model"] == "gpt-realtime")
    }

    @Test func anUnsetVariableNamesTheKey() throws {
        let yaml = "target: {url: \"ws://x:1/\", headers: {Authorization: \"Bearer ${CHORUS_SURELY_UNSET}\"}}" + self.session
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        let problem = try #require(throws: WebSocketTarget.Problem.self) {
            try WebSocketTarget.make(s, utterances: { rate in [Self.tone(rate: rate)] }, embeddedPort: nil, environment: [:])
        }
        #expect(problem.description.contains("target.headers.Authorization"))
        #expect(problem.description.contains("CHORUS_SURELY_UNSET"))
    }

    @Test func literalCredentialHeadersAreMaskedForStorage() throws {
        let yaml = "target: {url: \"ws://x:1/\", headers: {Authorization: \"Bearer sk-live-777\", X-Api-Key: k-888}}" + self.session
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        #expect(s.redactedForStorage.target.headers == ["Authorization": "Bearer ***", "X-Api-Key": "***"])
        #expect(Set(WebSocketTarget.secrets(of: s, environment: [:])) == ["sk-live-777", "k-888"])
    }

    static func tone(rate: Int) -> Utterance {
        let count = rate / 5
        return Utterance(name: "t", sampleRate: rate, samples: [Int16](repeating: 1000, count: count), speech: 0..<count)
    }
}
