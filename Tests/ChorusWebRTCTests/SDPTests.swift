import ChorusCore
import ChorusWebRTC
import Testing

@Suite struct SDPTests {
    static let localFingerprint = SDPFingerprint(algorithm: "SHA-256", bytes: (0..<32).map { UInt8($0 * 7 & 0xFF) })

    static func makeOffer(
        candidates: [SDPCandidate] = [
            .host(foundation: "1", address: "192.0.2.10", port: 50_000),
            .host(foundation: "2", address: "2001:db8::10", port: 50_002, localPreference: 65_534),
        ],
        trickle: Bool = false,
        audioLevelExtensionID: Int? = 1
    ) throws -> SDPOffer {
        try SDPOffer(
            sessionID: 0xF123_4567_89AB_CDEF,
            iceUfrag: "Ab3+",
            icePassword: "abcdefghij/KLMNOPQRS+0",
            fingerprint: Self.localFingerprint,
            ssrc: 0xDEAD_BEEF,
            cname: "caller-7@chorus",
            candidates: candidates,
            trickle: trickle,
            audioLevelExtensionID: audioLevelExtensionID
        )
    }

    static func parse(_ text: String) throws -> SDPSessionDescription {
        try SDPSessionDescription.parse(text).get()
    }

    static func crlf(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    /// `text` with the first line starting `prefix` replaced by `replacement` (nil removes it).
    static func edit(_ text: String, line prefix: String, to replacement: String?) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            Issue.record("no line starts with \(prefix)")
            return text
        }
        if let replacement { lines[index] = replacement } else { lines.remove(at: index) }
        return lines.joined(separator: "\n")
    }

    static func edit(_ text: String, removing prefixes: [String]) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !prefixes.contains { line.hasPrefix($0) } }
            .joined(separator: "\n")
    }

    static func error(_ answer: String) throws -> SDPError? {
        let offer = try Self.makeOffer()
        if case .failure(let error) = offer.negotiate(answer: answer) { return error }
        return nil
    }

    // MARK: - The offer

    @Test func offerParsesBackToTheSameValues() throws {
        let offer = try Self.makeOffer()
        let text = offer.sdp
        #expect(text.hasPrefix("v=0\r\no=- \(0x7123_4567_89AB_CDEF as UInt64) 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"))
        #expect(text.hasSuffix("a=end-of-candidates\r\n"))
        let bytes = Array(text.utf8)
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(i > 0 && bytes[i - 1] == UInt8(ascii: "\r"))  // every line ends CRLF, none LF alone
        }

        let parsed = try Self.parse(text)
        #expect(parsed.origin?.sessionID == String(offer.sessionID))
        #expect(offer.sessionID == 0x7123_4567_89AB_CDEF)  // top bit cleared
        #expect(parsed.bundleGroups.map(\.mids) == [["0"]])
        #expect(parsed.unreadableLineCount == 0)
        #expect(parsed.media.count == 1)
        let audio = try #require(parsed.firstAudio)
        #expect(audio.kind == "audio")
        #expect(audio.port == 9)
        #expect(audio.profile == "UDP/TLS/RTP/SAVPF")
        #expect(audio.payloadTypes == [111, 0])
        #expect(audio.connectionAddress == "0.0.0.0")
        #expect(audio.mid == "0")
        #expect(audio.direction == .sendrecv)
        #expect(audio.rtcpMux)
        #expect(!audio.rtcpMuxOnly)
        #expect(audio.transport.iceUfrag == offer.iceUfrag)
        #expect(audio.transport.icePassword == offer.icePassword)
        #expect(audio.transport.fingerprints == [offer.fingerprint])
        #expect(audio.transport.fingerprints.first?.algorithm == "sha-256")
        #expect(audio.transport.setup == .actpass)
        #expect(audio.transport.iceOptions.isEmpty)
        #expect(audio.transport.endOfCandidates)
        #expect(
            audio.rtpMaps == [
                .init(payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2),
                .init(payloadType: 0, encoding: "PCMU", clockRate: 8000),
            ]
        )
        #expect(audio.formatParameters == [111: "minptime=10;useinbandfec=1;stereo=0;sprop-stereo=0"])
        #expect(audio.extensionMaps == [.init(id: 1, uri: SDPOffer.audioLevelURI)])
        #expect(audio.sources == [.init(ssrc: 0xDEAD_BEEF, name: "cname", value: "caller-7@chorus")])
        #expect(audio.candidates == offer.candidates)
        #expect(audio.candidates.map(\.priority) == [2_130_706_431, 2_130_706_175])
    }

    @Test func aTricklingOfferSaysSoAndLeavesCandidatesOpen() throws {
        let offer = try Self.makeOffer(candidates: [], trickle: true, audioLevelExtensionID: nil)
        #expect(offer.sdp.contains("\r\na=ice-options:trickle\r\n"))
        #expect(!offer.sdp.contains("end-of-candidates"))
        #expect(!offer.sdp.contains("extmap"))
        let audio = try #require(try Self.parse(offer.sdp).firstAudio)
        #expect(audio.transport.trickles)
        #expect(!audio.transport.endOfCandidates)
        #expect(audio.candidates.isEmpty)
    }

    @Test func hostPriorityFollowsRFC8445() {
        #expect(SDPCandidate.priority() == 2_130_706_431)  // (126 << 24) + (65535 << 8) + 255
        #expect(SDPCandidate.priority(component: 2) == 2_130_706_430)
        #expect(SDPCandidate.priority(typePreference: 100, localPreference: 0, component: 1) == 100 << 24 + 255)
        #expect(SDPCandidate.priority(typePreference: 500, localPreference: 1_000_000, component: 0) == 2_130_706_431)
        #expect(SDPCandidate.host(foundation: "x", address: "192.0.2.1", port: 1).priority == 2_130_706_431)
    }

    @Test func offerInputsThatCannotBeWrittenAreNamed() {
        func attempt(
            ufrag: String = "abcd",
            password: String = "abcdefghijklmnopqrstuv",
            fingerprint: SDPFingerprint = SDPTests.localFingerprint,
            cname: String = "c",
            candidates: [SDPCandidate] = [],
            audioLevel: Int? = nil
        ) -> SDPError? {
            do throws(SDPError) {
                _ = try SDPOffer(
                    sessionID: 1,
                    iceUfrag: ufrag,
                    icePassword: password,
                    fingerprint: fingerprint,
                    ssrc: 1,
                    cname: cname,
                    candidates: candidates,
                    audioLevelExtensionID: audioLevel
                )
                return nil
            } catch {
                return error
            }
        }
        #expect(attempt() == nil)
        #expect(attempt(ufrag: "abc") == .invalidLocalICEUfrag(length: 3))
        #expect(attempt(ufrag: "ab:cd") == .invalidLocalICEUfrag(length: 5))
        #expect(attempt(password: "short") == .invalidLocalICEPassword(length: 5))
        #expect(attempt(password: "abcdefghijklmnopqrstu v") == .invalidLocalICEPassword(length: 23))
        #expect(
            attempt(fingerprint: SDPFingerprint(algorithm: "sha-256", bytes: [1, 2]))
                == .invalidLocalFingerprint(algorithm: "sha-256", byteCount: 2)
        )
        #expect(
            attempt(fingerprint: SDPFingerprint(algorithm: "md5", bytes: Array(repeating: 0, count: 16)))
                == .invalidLocalFingerprint(algorithm: "md5", byteCount: 16)
        )
        #expect(attempt(cname: "two words") == .invalidLocalCNAME("two words"))
        #expect(attempt(cname: "") == .invalidLocalCNAME(""))
        let badCandidate = SDPCandidate.host(foundation: "1", address: "192.0.2.1\r\na=setup:passive", port: 1)
        #expect(attempt(candidates: [badCandidate]) == .invalidLocalCandidate(badCandidate.attributeValue))
        #expect(
            attempt(candidates: [.host(foundation: "1", address: "192.0.2.1", port: 70_000)])
                == .invalidLocalCandidate("1 1 udp 2130706431 192.0.2.1 70000 typ host")
        )
        #expect(attempt(audioLevel: 15) == .invalidLocalAudioLevelExtensionID(15))
        #expect(attempt(audioLevel: 0) == .invalidLocalAudioLevelExtensionID(0))
        #expect(attempt(ufrag: "abc")?.description.contains("ice-ufrag") == true)
        #expect(attempt(password: "secret-that-is-too-short")?.description.contains("secret") == false)
    }

    // MARK: - Real-world answers

    @Test func chromeAnswerNegotiatesOpusWithSessionLevelFingerprint() throws {
        let audio = try Self.makeOffer().negotiate(answer: Self.crlf(SDPAnswerFixtures.chrome)).get()
        #expect(audio.codec == .opus)
        #expect(audio.payloadType == 111)
        #expect(audio.clockRate == 48000)
        #expect(audio.channels == 2)
        #expect(audio.formatParameters == "minptime=10;useinbandfec=1")
        #expect(audio.mid == "0")
        #expect(audio.dtlsRole == .server)
        #expect(audio.remoteFingerprints.map(\.algorithm) == ["sha-256"])
        #expect(audio.remoteFingerprints.first?.bytes.prefix(3) == [0x82, 0xB7, 0x0E])
        #expect(audio.remoteICEUfrag == "Lr5u")
        #expect(audio.remoteICEPassword == "k3+7S0cK9PYhUHeHrXz0Gq1x")
        #expect(!audio.remoteICELite)
        #expect(audio.remoteTrickles)
        #expect(!audio.remoteCandidatesComplete)
        #expect(
            audio.remoteCandidates == [
                SDPCandidate(
                    foundation: "3077585466",
                    component: 1,
                    transport: "udp",
                    priority: 2_122_260_223,
                    address: "192.0.2.34",
                    port: 54312,
                    kind: .host
                )
            ]
        )
        #expect(audio.audioLevelExtensionID == 1)
        #expect(audio.remoteSSRC == 2_719_012_345)

        let parsed = try Self.parse(SDPAnswerFixtures.chrome)
        let section = try #require(parsed.firstAudio)
        #expect(section.extensionMaps.map(\.id) == [1, 2, 3, 4])
        #expect(section.candidates.count == 2)  // the TCP one is read, just not used
        #expect(section.transport.fingerprints.isEmpty)
        #expect(parsed.transport.fingerprints.count == 1)
    }

    @Test func aiortcAnswerNegotiatesItsOwnPayloadTypeAndCandidates() throws {
        let audio = try Self.makeOffer().negotiate(answer: Self.crlf(SDPAnswerFixtures.aiortc)).get()
        #expect(audio.codec == .opus)
        #expect(audio.payloadType == 96)
        #expect(audio.formatParameters == nil)
        #expect(audio.dtlsRole == .server)
        #expect(audio.remoteFingerprints.map(\.algorithm) == ["sha-256", "sha-384", "sha-512"])
        #expect(audio.remoteFingerprints.map(\.bytes.count) == [32, 48, 64])
        #expect(audio.remoteICEUfrag == "Xy3Q")
        #expect(audio.remoteICEPassword == "Wm6hD2oEwFUe0pQ4bJ7kLr")
        #expect(!audio.remoteTrickles)
        #expect(audio.remoteCandidatesComplete)
        #expect(audio.remoteCandidates.map(\.kind) == [.host, .srflx])
        #expect(audio.remoteCandidates[1].relatedAddress == "198.51.100.5")
        #expect(audio.remoteCandidates[1].relatedPort == 46127)
        #expect(audio.remoteCandidates[1].priority == 1_694_498_815)
        #expect(audio.audioLevelExtensionID == 2)
        #expect(audio.remoteSSRC == 1_672_398_524)
    }

    @Test func pipecatAnswerPicksTheAudioSectionAmongThree() throws {
        let parsed = try Self.parse(Self.crlf(SDPAnswerFixtures.pipecat))
        #expect(parsed.media.map(\.kind) == ["audio", "video", "application"])
        #expect(parsed.bundleGroups.map(\.mids) == [["0", "1", "2"]])
        #expect(parsed.media[1].rtpMap(for: 96)?.encoding == "VP8")
        #expect(parsed.media[1].formatParameters[97] == "apt=96")
        #expect(parsed.media[2].profile == "DTLS/SCTP")

        let audio = try Self.makeOffer().negotiate(answer: parsed).get()
        #expect(audio.codec == .opus)
        #expect(audio.payloadType == 111)
        #expect(audio.mid == "0")
        #expect(audio.dtlsRole == .server)
        #expect(audio.remoteICEUfrag == "pQ7r")
        #expect(audio.remoteCandidates.map(\.port) == [52019])
        #expect(audio.remoteSSRC == 3_288_129_910)
    }

    @Test func gstreamerAnswerTricklesWithCapitalisedOpus() throws {
        let audio = try Self.makeOffer().negotiate(answer: SDPAnswerFixtures.gstreamer).get()
        #expect(audio.codec == .opus)
        #expect(audio.payloadType == 97)
        #expect(audio.formatParameters == "sprop-maxcapturerate=48000;sprop-stereo=0")
        #expect(audio.dtlsRole == .server)
        #expect(audio.remoteICEUfrag == "Tq0yU6ZbQ7TTMS8WkNdyMXnWcmHyfSMA")
        #expect(audio.remoteTrickles)
        #expect(audio.remoteCandidates.isEmpty)
        #expect(audio.remoteSSRC == 3_360_546_853)
        #expect(audio.audioLevelExtensionID == nil)
    }

    @Test func iceLiteAnswerIsMarkedAndTakesSessionLevelFingerprint() throws {
        let audio = try Self.makeOffer().negotiate(answer: Self.crlf(SDPAnswerFixtures.iceLite)).get()
        #expect(audio.remoteICELite)
        #expect(audio.codec == .opus)
        #expect(audio.formatParameters == "useinbandfec=1")
        #expect(audio.dtlsRole == .server)
        #expect(audio.remoteFingerprints.count == 1)
        #expect(audio.remoteCandidates.map(\.address) == ["198.51.100.20"])
        #expect(audio.remoteCandidates.map(\.port) == [20044])
        #expect(audio.remoteCandidatesComplete)
        let parsed = try Self.parse(SDPAnswerFixtures.iceLite)
        #expect(parsed.sessionName == "Janus EchoTest")
        #expect(parsed.transport.iceLite)
    }

    @Test func lfCRLFAndStrayWhitespaceReadTheSame() throws {
        let lf = try Self.parse(SDPAnswerFixtures.aiortc)
        let crlf = try Self.parse(Self.crlf(SDPAnswerFixtures.aiortc))
        let spaced = try Self.parse(
            "\n\n  "
                + SDPAnswerFixtures.aiortc
                .split(separator: "\n")
                .map { line in
                    let (type, rest) = (line.prefix(2), line.dropFirst(2))
                    return "  " + type + rest.replacing(" ", with: " \t ") + " \t"
                }
                .joined(separator: "\r\n\r\n")
        )
        #expect(lf == crlf)
        let negotiated = [lf, crlf, spaced].map { try? Self.makeOffer().negotiate(answer: $0).get() }
        #expect(negotiated[0] != nil)
        #expect(negotiated[0] == negotiated[1])
        #expect(negotiated[0] == negotiated[2])
    }

    @Test func passiveAnswerMakesUsTheDTLSClientAndSessionLevelICEIsInherited() throws {
        var text = SDPAnswerFixtures.minimal
        text = Self.edit(text, removing: ["a=ice-ufrag", "a=ice-pwd"])
        let sessionICE = "a=group:BUNDLE 0\na=ice-ufrag:sess\na=ice-pwd:sessionpasswordsession"
        text = Self.edit(text, line: "a=group", to: sessionICE)
        let audio = try Self.makeOffer().negotiate(answer: text).get()
        #expect(audio.dtlsRole == .client)
        #expect(audio.remoteICEUfrag == "sess")
        #expect(audio.remoteICEPassword == "sessionpasswordsession")
    }

    @Test func pcmuIsChosenWhenOpusIsNotAnswered() throws {
        let withMap = Self.edit(SDPAnswerFixtures.minimal, line: "m=audio", to: "m=audio 40000 UDP/TLS/RTP/SAVPF 0")
        let audio = try Self.makeOffer().negotiate(answer: withMap).get()
        #expect(audio.codec == .pcmu)
        #expect(audio.payloadType == 0)
        #expect(audio.clockRate == 8000)
        #expect(audio.channels == 1)
        // A static payload type needs no a=rtpmap (RFC 3551).
        let bare = Self.edit(withMap, removing: ["a=rtpmap"])
        #expect((try? Self.makeOffer().negotiate(answer: bare).get())?.codec == .pcmu)
        // Opus wins even when listed second.
        let both = Self.edit(SDPAnswerFixtures.minimal, line: "m=audio", to: "m=audio 40000 UDP/TLS/RTP/SAVPF 0 111")
        #expect((try? Self.makeOffer().negotiate(answer: both).get())?.codec == .opus)
    }

    @Test func bundleOnlyAudioRidesOnTheTaggedSectionsTransport() throws {
        // RFC 8843 §7.3.1: in an answer, bundled sections but the tagged one carry port 0 and a=bundle-only.
        let text = """
            v=0
            o=- 1 1 IN IP4 0.0.0.0
            s=-
            t=0 0
            a=group:BUNDLE 1 0
            a=fingerprint:sha-256 82:B7:0E:EE:7F:1A:50:39:BE:F0:7E:C2:34:7F:06:6E:D0:8F:5D:C7:51:24:47:E3:40:43:00:02:6B:6E:54:55
            m=application 40000 UDP/DTLS/SCTP webrtc-datachannel
            a=mid:1
            a=ice-ufrag:tagd
            a=ice-pwd:taggedpasswordtaggedpw
            a=setup:active
            a=rtcp-mux
            a=candidate:1 1 udp 2130706431 192.0.2.1 40000 typ host
            m=audio 0 UDP/TLS/RTP/SAVPF 111
            a=mid:0
            a=bundle-only
            a=rtcp-mux
            a=rtpmap:111 opus/48000/2
            """
        let audio = try Self.makeOffer().negotiate(answer: text).get()
        #expect(audio.mid == "0")
        #expect(audio.remoteICEUfrag == "tagd")
        #expect(audio.dtlsRole == .server)
        #expect(audio.remoteCandidates.map(\.port) == [40000])
    }

    @Test func candidatesParseWithOrWithoutPrefixAndSkipExtensions() {
        let line = "candidate:842163049 1 UDP 1677729535 203.0.113.9 62793 typ srflx raddr 0.0.0.0 rport 0 generation 0"
        let candidate = SDPCandidate.parse(line)
        #expect(candidate?.transport == "udp")
        #expect(candidate?.kind == .srflx)
        #expect(candidate?.relatedAddress == "0.0.0.0")
        #expect(candidate?.relatedPort == 0)
        #expect(SDPCandidate.parse("a=" + line) == candidate)
        #expect(SDPCandidate.parse(String(line.dropFirst("candidate:".count))) == candidate)
        #expect(SDPCandidate.parse("1 1 udp 1 x.local 9 typ host")?.address == "x.local")
        #expect(SDPCandidate.parse("1 1 udp 1 192.0.2.1 9 typ weird") == nil)
        #expect(SDPCandidate.parse("1 0 udp 1 192.0.2.1 9 typ host") == nil)
        #expect(SDPCandidate.parse("1 1 udp 4294967296 192.0.2.1 9 typ host") == nil)
        #expect(SDPCandidate.parse("1 1 udp 1 192.0.2.1 65536 typ host") == nil)
        #expect(SDPCandidate.parse("1 1 udp 1 192.0.2.1 9 host host") == nil)
    }

    // MARK: - Errors that name what is missing

    @Test func eachMissingPieceIsNamed() throws {
        let minimal = SDPAnswerFixtures.minimal
        let md5 = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
        let tcp = "a=candidate:1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active"
        #expect(try Self.error(minimal) == nil)
        let cases: [(String, SDPError)] = [
            (
                "<html><body>502 Bad Gateway</body></html>",
                .notSDP(firstLine: "<html><body>502 Bad Gateway</body></html>")
            ),
            ("", .notSDP(firstLine: "")),
            ("{\"sdp\":\"v=0\"}", .notSDP(firstLine: "{\"sdp\":\"v=0\"}")),
            (
                Self.edit(minimal, line: "m=audio", to: "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"),
                .noAudioSection(mediaKinds: ["application"])
            ),
            (Self.edit(minimal, line: "m=audio", to: nil), .noAudioSection(mediaKinds: [])),
            (Self.edit(minimal, line: "m=audio", to: "m=audio 0 UDP/TLS/RTP/SAVPF 111"), .audioRejected(mid: "0")),
            (
                Self.edit(minimal, line: "m=audio", to: "m=audio x UDP/TLS/RTP/SAVPF 111"),
                .unreadableAudioLine("audio x UDP/TLS/RTP/SAVPF 111")
            ),
            (Self.edit(minimal, line: "m=audio", to: "m=audio 40000 RTP/AVP 111 0"), .unsupportedProfile("RTP/AVP")),
            (
                Self.edit(minimal, line: "m=audio", to: "m=audio 40000 UDP/TLS/RTP/SAVPF 9 8 13"),
                .noSupportedCodec(offered: ["G722/8000", "PCMA/8000"])
            ),
            (
                Self.edit(
                    Self.edit(minimal, line: "m=audio", to: "m=audio 40000 UDP/TLS/RTP/SAVPF 111"),
                    line: "a=rtpmap:111",
                    to: "a=rtpmap:111 opus/16000/2"
                ),
                .noSupportedCodec(offered: ["opus/16000"])
            ),
            (Self.edit(minimal, line: "a=sendrecv", to: "a=recvonly"), .audioNotSendRecv(.recvonly)),
            (Self.edit(minimal, line: "a=sendrecv", to: "a=inactive"), .audioNotSendRecv(.inactive)),
            (Self.edit(minimal, line: "a=rtcp-mux", to: nil), .missingRTCPMux),
            (Self.edit(minimal, line: "a=ice-ufrag", to: nil), .missingICEUfrag),
            (Self.edit(minimal, line: "a=ice-ufrag", to: "a=ice-ufrag:"), .missingICEUfrag),
            (Self.edit(minimal, line: "a=ice-pwd", to: nil), .missingICEPassword),
            (Self.edit(minimal, line: "a=fingerprint", to: nil), .missingFingerprint),
            (
                Self.edit(minimal, line: "a=fingerprint", to: "a=fingerprint:sha-256 zz:11"),
                .unusableFingerprint("sha-256 zz:11")
            ),
            (
                Self.edit(minimal, line: "a=fingerprint", to: "a=fingerprint:md5 " + md5),
                .unusableFingerprint("md5 " + md5)
            ),
            (Self.edit(minimal, line: "a=setup", to: nil), .missingSetup),
            (Self.edit(minimal, line: "a=setup", to: "a=setup:actpass"), .invalidSetup("actpass")),
            (Self.edit(minimal, line: "a=setup", to: "a=setup:holdconn"), .invalidSetup("holdconn")),
            (Self.edit(minimal, line: "a=candidate", to: nil), .missingCandidates),
            (
                Self.edit(minimal, line: "a=candidate", to: tcp),
                .noUsableCandidates(count: 1)
            ),
        ]
        for (answer, expected) in cases {
            #expect(try Self.error(answer) == expected, "\(expected)")
            #expect(try Self.error(Self.crlf(answer)) == expected, "\(expected) with CRLF")
        }
    }

    @Test func tricklingAnswersMayHaveNoCandidatesYet() throws {
        let none = Self.edit(SDPAnswerFixtures.minimal, removing: ["a=candidate", "a=end-of-candidates"])
        #expect(try Self.error(none) == .missingCandidates)
        let trickling = Self.edit(none, line: "a=rtcp-mux", to: "a=rtcp-mux\na=ice-options:trickle")
        let audio = try Self.makeOffer().negotiate(answer: trickling).get()
        #expect(audio.remoteCandidates.isEmpty)
        #expect(audio.remoteTrickles)
        // Trickle that already ended with nothing leaves nowhere to send.
        #expect(try Self.error(trickling + "a=end-of-candidates\n") == .missingCandidates)
    }

    @Test func ourOwnOfferIsNotAValidAnswer() throws {
        let offer = try Self.makeOffer()
        #expect(offer.negotiate(answer: offer.sdp) == .failure(.invalidSetup("actpass")))
    }

    @Test func descriptionsNameWhatIsMissing() {
        #expect(
            SDPError.missingFingerprint.description
                == "the answer has no a=fingerprint (needed to check the agent's DTLS certificate)"
        )
        let all: [SDPError] = [
            .invalidLocalICEUfrag(length: 2), .invalidLocalICEPassword(length: 3),
            .invalidLocalFingerprint(algorithm: "md5", byteCount: 16), .invalidLocalCNAME("a b"),
            .invalidLocalCandidate("x"), .invalidLocalAudioLevelExtensionID(20), .notSDP(firstLine: "<html>"),
            .noAudioSection(mediaKinds: ["video"]), .unreadableAudioLine("audio x"), .audioRejected(mid: "0"),
            .unsupportedProfile("RTP/AVP"), .noSupportedCodec(offered: ["G722/8000"]), .audioNotSendRecv(.sendonly),
            .missingRTCPMux, .missingFingerprint, .unusableFingerprint("md5 00"), .missingICEUfrag,
            .missingICEPassword, .missingSetup, .invalidSetup("actpass"), .missingCandidates,
            .noUsableCandidates(count: 2),
        ]
        let names = [
            "ice-ufrag", "ice-pwd", "a=fingerprint", "cname", "candidate", "a=extmap", "v=0", "m=audio", "m=audio",
            "m=audio 0", "UDP/TLS/RTP/SAVPF", "opus/48000", "sendonly", "a=rtcp-mux", "a=fingerprint",
            "a=fingerprint", "a=ice-ufrag", "a=ice-pwd", "a=setup", "a=setup:actpass", "a=candidate", "a=candidate",
        ]
        #expect(Set(all.map(\.description)).count == all.count)
        for (error, name) in zip(all, names) {
            #expect(error.description.contains(name), "\(error.description)")
        }
    }

    // MARK: - Malformed input never crashes

    @Test func randomBytesNeverCrash() throws {
        var random = SplitMix64(seed: 0x5D9)
        let offer = try Self.makeOffer()
        for round in 0..<3000 {
            let count = Int.random(in: 0...400, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 2 == 0 { bytes = Array("v=0\n".utf8) + bytes }  // past the v= check half the time
            _ = offer.negotiate(answer: String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func everyTruncationOfAnAnswerIsHandled() throws {
        let offer = try Self.makeOffer()
        for fixture in [SDPAnswerFixtures.aiortc, Self.crlf(SDPAnswerFixtures.chrome)] {
            let bytes = Array(fixture.utf8)
            for length in 0...bytes.count {
                _ = offer.negotiate(answer: String(decoding: bytes.prefix(length), as: UTF8.self))
            }
        }
    }

    @Test func hugeAndOutOfRangeNumbersAreSkippedNotTrapped() throws {
        let huge = "99999999999999999999999999999999"
        var text = SDPAnswerFixtures.minimal
        text = Self.edit(text, line: "a=candidate", to: "a=candidate:1 1 udp \(huge) 192.0.2.1 \(huge) typ host")
        text += """
            a=candidate:1 \(huge) udp 1 192.0.2.1 1 typ host
            a=candidate:1 1 udp -1 192.0.2.1 1 typ host
            a=candidate:2 1 udp 1 192.0.2.1 1 typ host raddr 0.0.0.0 rport \(huge)
            a=rtpmap:\(huge) opus/48000/2
            a=rtpmap:300 opus/48000/2
            a=rtpmap:112 opus/\(huge)/2
            a=rtpmap:113 opus/48000/0
            a=fmtp:\(huge) x=1
            a=extmap:\(huge) urn:x
            a=extmap:0 urn:x
            a=ssrc:\(huge) cname:x
            a=ssrc:4294967296 cname:x
            m=audio \(huge) UDP/TLS/RTP/SAVPF \(huge) -1 128

            """
        let parsed = try Self.parse(text)
        let audio = try #require(parsed.firstAudio)
        #expect(audio.candidates.map(\.foundation) == ["2"])
        #expect(audio.candidates.first?.relatedPort == nil)
        #expect(audio.unreadableCandidateCount == 3)
        #expect(audio.rtpMaps.map(\.payloadType) == [111, 0])
        #expect(audio.extensionMaps.isEmpty)
        #expect(audio.sources.isEmpty)
        #expect(parsed.media.last?.port == nil)
        #expect(parsed.media.last?.payloadTypes == [])
        #expect(try Self.error(text) == nil)
    }

    @Test func tenThousandSeededMutationsOfAnAnswerNeverCrash() throws {
        var random = SplitMix64(seed: 0x5DB_A15E)
        let offer = try Self.makeOffer()
        let interesting = Array(" :/=\r\n\t0123456789-a.".utf8) + [0xFF, 0xC3, 0x80]
        let bases = [SDPAnswerFixtures.aiortc, SDPAnswerFixtures.chrome, SDPAnswerFixtures.iceLite].map {
            Array(Self.crlf($0).utf8)
        }
        var stillValid = 0
        for round in 0..<10_000 {
            var bytes = bases[round % bases.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                let pick =
                    Bool.random(using: &random)
                    ? interesting[Int.random(in: 0..<interesting.count, using: &random)]
                    : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] = pick
                case 1: bytes.insert(pick, at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &random)))
                case 3:
                    let copied = Array(bytes[at..<min(bytes.count, at + Int.random(in: 1...80, using: &random))])
                    bytes.insert(contentsOf: copied, at: Int.random(in: 0...bytes.count, using: &random))
                default:
                    let digits = Array(String(UInt64.random(in: 0...UInt64.max, using: &random)).utf8)
                    bytes.insert(contentsOf: digits, at: at)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            if case .success = offer.negotiate(answer: String(decoding: bytes, as: UTF8.self)) { stillValid += 1 }
        }
        #expect(stillValid > 1000)  // the mutations also reach the success path, not only early failures
    }
}
