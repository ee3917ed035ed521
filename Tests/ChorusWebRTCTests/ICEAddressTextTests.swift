import Testing

@testable import ChorusWebRTC

@Suite struct ICEAddressTextTests {
    @Test(
        arguments: [
            ("192.0.2.1", STUNAddress.Host.ipv4(0xC000_0201)), ("0.0.0.0", .ipv4(0)), ("255.255.255.255", .ipv4(.max)),
            ("::", .ipv6(high: 0, low: 0)), ("::1", .ipv6(high: 0, low: 1)),
            ("2001:db8::1", .ipv6(high: 0x2001_0DB8_0000_0000, low: 1)),
            ("2001:DB8:0:0:8:800:200C:417A", .ipv6(high: 0x2001_0DB8_0000_0000, low: 0x0008_0800_200C_417A)),
            ("fe80::", .ipv6(high: 0xFE80_0000_0000_0000, low: 0)),
            ("::ffff:192.0.2.1", .ipv6(high: 0, low: 0x0000_FFFF_C000_0201)),
            ("1:2:3:4:5:6:7::", .ipv6(high: 0x0001_0002_0003_0004, low: 0x0005_0006_0007_0000)),
            ("1:2:3:4:5:6:192.0.2.1", .ipv6(high: 0x0001_0002_0003_0004, low: 0x0005_0006_C000_0201)),
        ] as [(String, STUNAddress.Host)]
    )
    func literalsParse(text: String, host: STUNAddress.Host) {
        #expect(ICEAddressText.parse(text) == .host(host))
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ", "01234.1.1.1", "-1.2.3.4", ":::", "1::2::3",
        "12345::", "g::1", ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "fe80::1%eth0", "::1.2.3", "1.2.3.4::",
        "1:2:3:4:5:6:7:1.2.3.4", "[::1]", "agent.example.com", "localhost", ".local",
    ])
    func nonLiteralsAreUnusable(text: String) {
        #expect(ICEAddressText.parse(text) == .unusable)
    }

    @Test(arguments: ["1f4712db-ea17-4bcf-a596-105139dfd8bf.local", "HOST.LOCAL", "caller.local."])
    func mDNSNamesAreRecognised(text: String) {
        #expect(ICEAddressText.parse(text) == .mDNS)
    }

    @Test func hostsAreWrittenAsCandidateLinesWriteThem() {
        #expect(ICEAddressText.text(.ipv4(0xC000_0201)) == "192.0.2.1")
        #expect(ICEAddressText.text(.ipv6(high: 0x2001_0DB8_0000_0000, low: 1)) == "2001:db8::1")
        #expect(ICEAddressText.text(.ipv6(high: 0, low: 0)) == "::")
        for text in ["10.1.2.3", "2001:db8::8:800:200c:417a", "fe80::1"] {
            guard case .host(let host) = ICEAddressText.parse(text) else {
                Issue.record("\(text) did not parse")
                continue
            }
            #expect(ICEAddressText.text(host) == text)
        }
    }
}
