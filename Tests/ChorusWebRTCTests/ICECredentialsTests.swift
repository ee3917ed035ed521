import ChorusCore
import Testing

@testable import ChorusWebRTC

@Suite struct ICECredentialsTests {
    @Test func randomCredentialsAreLongEnoughICEChars() {
        var seen: Set<ICECredentials> = []
        for _ in 0..<200 {
            let credentials = ICECredentials.random()
            #expect(credentials.ufrag.utf8.count == 8)
            #expect(credentials.password.utf8.count == 24)
            #expect(credentials.isValid)
            #expect((credentials.ufrag + credentials.password).allSatisfy(SDPSyntax.isICEChar))
            seen.insert(credentials)
        }
        #expect(seen.count == 200)
    }

    @Test func aSeededGeneratorGivesTheSameCredentialsAndUsesAllSixtyFourChars() {
        var a = SplitMix64(seed: 3)
        var b = SplitMix64(seed: 3)
        #expect(ICECredentials.random(using: &a) == ICECredentials.random(using: &b))
        var characters: Set<Character> = []
        for _ in 0..<200 { characters.formUnion(ICECredentials.random(using: &a).password) }
        #expect(characters.count == 64)
    }

    @Test(
        arguments: [
            ("abcd", "abcdefghijklmnopqrstuv", true), ("abc", "abcdefghijklmnopqrstuv", false),
            ("abcd", "abcdefghijklmnopqrstu", false), ("ab+/", "++++//////0000000000AZ", true),
            ("ab-d", "abcdefghijklmnopqrstuv", false), ("abcd", "abcdefghijklmnopqrstu é", false),
            (String(repeating: "a", count: 257), "abcdefghijklmnopqrstuv", false),
        ] as [(String, String, Bool)]
    )
    func validityFollowsRFC8445(ufrag: String, password: String, valid: Bool) {
        #expect(ICECredentials(ufrag: ufrag, password: password).isValid == valid)
    }
}
