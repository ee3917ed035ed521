import ChorusEngine
import ChorusTestSupport
import Testing

@Suite("target.address: host:port and [IPv6]:port")
struct HostPortTests {
    @Test(arguments: [
        ("10.0.0.5:4000", "10.0.0.5", 4000),
        ("agent.internal:65535", "agent.internal", 65535),
        ("[::1]:4000", "::1", 4000),
        ("[2001:db8::7]:5004", "2001:db8::7", 5004),
        ("[fe80::1%eth0]:1", "fe80::1%eth0", 1),
    ])
    func acceptsNamesIPv4AndBracketedIPv6(text: String, host: String, port: Int) throws {
        let parsed = try #require(HostPort(parsing: text))
        #expect(parsed.host == host && parsed.port == port)
        #expect(parsed.description == text, "prints back as written")
    }

    @Test(arguments: [
        "::1:4000", "2001:db8::7", "[::1]", "[::1]4000", "[::1]:", "[10.0.0.5]:4000", "[::1:4000", "10.0.0.5",
        "10.0.0.5:", ":4000", "host:0", "host:65536", "host:+80", "host: 80", "host:80:81", "a b:80", "x/y:80",
    ])
    func rejectsAmbiguousOrIncompleteAddresses(text: String) {
        #expect(HostPort(parsing: text) == nil)
    }

    let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"

    func scenario(address: String) throws -> Scenario {
        try Scenario.parse(
            yaml: "target:\n  transport: rtp\n  codec: opus/16000\n  address: \(address)\n"
                + "session: {utterances: [audio/book-a-table.wav]}",
            path: self.path)
    }

    @Test func theValidatorKeepsAQuotedIPv6Address() throws {
        #expect(try self.scenario(address: "\"[::1]:4000\"").target.address == "[::1]:4000")
        #expect(try self.scenario(address: "127.0.0.1:4000").target.address == "127.0.0.1:4000")
    }

    @Test(arguments: ["\"::1:4000\"", "[\"::1\", 4000]", "localhost", "\"[::1]\""])
    func aBadAddressNamesTheKeyAndTheExpectedForm(address: String) throws {
        let error = try #require(throws: ScenarioError.self) { try self.scenario(address: address) }
        let line = try #require(error.problems.first { $0.contains("target.address") }, "\(error.problems)")
        #expect(line.contains("host:port or [IPv6]:port"), "\(line)")
    }
}
