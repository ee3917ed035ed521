import ChorusCore
import Testing

@testable import ChorusWebRTC

/// Two endpoints in one process joined by a virtual wire: no sockets, no sleeping, time only as a number.
final class DTLSLink {
    let client: DTLSEndpoint
    let server: DTLSEndpoint
    var nowNs: UInt64 = 5_000_000_000
    /// Every datagram that left either end, dropped or not, with the end that sent it.
    var wire: [(fromClient: Bool, bytes: [UInt8])] = []
    /// Decides per datagram whether the wire loses it; gets the sender and the datagram's index on the wire.
    var drop: (_ fromClient: Bool, _ index: Int) -> Bool = { _, _ in false }

    init(
        clientProfiles: [SRTPProfile] = SRTPProfile.offered, serverProfiles: [SRTPProfile] = SRTPProfile.offered,
        clientCertificate: DTLSCertificate = .shared, serverCertificate: DTLSCertificate = .shared,
        clientExpects: [SDPFingerprint]? = nil, serverExpects: [SDPFingerprint]? = nil, mtu: Int = 1200,
        clientRetransmitMs: UInt32 = 100, serverRetransmitMs: UInt32 = 100
    ) throws {
        self.client = try DTLSEndpoint(
            role: .client, certificate: clientCertificate,
            remoteFingerprints: clientExpects ?? [serverCertificate.fingerprint], mtu: mtu,
            initialRetransmitMs: clientRetransmitMs, profiles: clientProfiles
        )
        self.server = try DTLSEndpoint(
            role: .server, certificate: serverCertificate,
            remoteFingerprints: serverExpects ?? [clientCertificate.fingerprint], mtu: mtu,
            initialRetransmitMs: serverRetransmitMs, profiles: serverProfiles
        )
    }

    /// Moves every queued datagram of one end to the other (unless `drop` says otherwise); true if any moved.
    @discardableResult
    func deliver(fromClient: Bool) -> Bool {
        let (from, to) = fromClient ? (self.client, self.server) : (self.server, self.client)
        var moved = false
        while let datagram = from.popOutgoing() {
            moved = true
            let index = self.wire.count
            self.wire.append((fromClient, datagram))
            if !self.drop(fromClient, index) {
                datagram.withUnsafeBytes { to.receive($0, nowNs: self.nowNs) }
            }
        }
        return moved
    }

    /// Shuttles datagrams both ways until neither end has anything to send.
    func pump() {
        for _ in 0..<100 {
            let a = self.deliver(fromClient: true)
            let b = self.deliver(fromClient: false)
            if !a && !b { return }
        }
    }

    /// Starts both ends and pumps until neither has anything to send.
    func handshake() {
        self.server.start(nowNs: self.nowNs)
        self.client.start(nowNs: self.nowNs)
        self.pump()
    }

    /// Calls `handleTimeout` until `endpoint` retransmits, as an event loop whose timer fired early would; true
    /// if it did within 5 s. OpenSSL's timer runs on the wall clock with no hook for another, so this is the one
    /// place the tests let real time pass: about `initialRetransmitMs` − 15 ms of it.
    func retransmit(_ endpoint: DTLSEndpoint) -> Bool {
        let before = endpoint.handshakeRetransmits
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(5)
        while endpoint.handshakeRetransmits == before, clock.now < giveUp {
            endpoint.handleTimeout(nowNs: self.nowNs)
        }
        return endpoint.handshakeRetransmits > before
    }

    var clientKeys: SRTPKeyingMaterial? {
        if case .connected(let keys) = self.client.state { keys } else { nil }
    }

    var serverKeys: SRTPKeyingMaterial? {
        if case .connected(let keys) = self.server.state { keys } else { nil }
    }
}

@Suite struct DTLSEndpointTests {
    @Test func handshakeConnectsBothEndsWithMirroredGCMKeys() throws {
        let link = try DTLSLink()
        link.handshake()
        let client = try #require(link.clientKeys)
        let server = try #require(link.serverKeys)
        #expect(client.profile == .aeadAES128GCM)
        #expect(client == server.mirrored)
        #expect(client.localMasterKey.count == 16 && client.localMasterSalt.count == 12)
        #expect(client.remoteMasterKey.count == 16 && client.remoteMasterSalt.count == 12)
        #expect(client.localMasterKey != client.remoteMasterKey)
        #expect(client.localMasterSalt != client.remoteMasterSalt)
        #expect(link.client.handshakeRetransmits == 0 && link.server.handshakeRetransmits == 0)
        #expect(link.client.nextTimeoutNs == nil || link.client.nextTimeoutNs! >= link.nowNs)
    }

    @Test func eachHandshakeExportsFreshKeys() throws {
        let first = try DTLSLink()
        first.handshake()
        let second = try DTLSLink()
        second.handshake()
        let a = try #require(first.clientKeys)
        let b = try #require(second.clientKeys)
        #expect(a.localMasterKey != b.localMasterKey)
    }

    @Test(arguments: [
        ([SRTPProfile.aes128CMHMACSHA1_80], SRTPProfile.offered),
        (SRTPProfile.offered, [SRTPProfile.aes128CMHMACSHA1_80]),
        ([SRTPProfile.aes128CMHMACSHA1_80], [SRTPProfile.aes128CMHMACSHA1_80]),
    ])
    func fallsBackToAESCMWhenOneEndOffersOnlyIt(clientProfiles: [SRTPProfile], serverProfiles: [SRTPProfile]) throws {
        let link = try DTLSLink(clientProfiles: clientProfiles, serverProfiles: serverProfiles)
        link.handshake()
        let client = try #require(link.clientKeys)
        let server = try #require(link.serverKeys)
        #expect(client.profile == .aes128CMHMACSHA1_80)
        #expect(client == server.mirrored)
        #expect(client.localMasterSalt.count == 14)
    }

    @Test func noCommonProfileFailsBothEnds() throws {
        // OpenSSL completes the handshake without use_srtp; each end then refuses the connection.
        let link = try DTLSLink(clientProfiles: [.aeadAES128GCM], serverProfiles: [.aes128CMHMACSHA1_80])
        link.handshake()
        #expect(link.client.state == .failed("DTLS: no SRTP profile in common with the peer"))
        #expect(link.server.state == .failed("DTLS: no SRTP profile in common with the peer"))
    }

    @Test func eitherRoleWorksWithDistinctCertificates() throws {
        let ours = try DTLSCertificate.generate()
        let theirs = try DTLSCertificate.generate()
        #expect(ours.fingerprint != theirs.fingerprint)
        // Ours as client, then ours as server.
        for oursIsClient in [true, false] {
            let link = try DTLSLink(
                clientCertificate: oursIsClient ? ours : theirs, serverCertificate: oursIsClient ? theirs : ours
            )
            link.handshake()
            #expect(link.client.role == .client && link.server.role == .server)
            let client = try #require(link.clientKeys)
            #expect(client == link.serverKeys?.mirrored)
        }
    }

    @Test func serverAcceptsAClientHelloWithoutStart() throws {
        let link = try DTLSLink()
        link.client.start(nowNs: link.nowNs)
        link.client.start(nowNs: link.nowNs)  // a second start does nothing
        #expect(link.client.outgoingCount == 1)
        link.pump()
        #expect(link.clientKeys != nil && link.serverKeys != nil)
    }

    @Test(arguments: [true, false])
    func fingerprintMismatchFailsTheCheckingEndNamingTheFingerprint(clientChecks: Bool) throws {
        let wrong = SDPFingerprint(algorithm: "sha-256", bytes: Array(repeating: 0xAB, count: 32))
        let clientCertificate = try DTLSCertificate.generate()
        let serverCertificate = DTLSCertificate.shared
        let link = try DTLSLink(
            clientCertificate: clientCertificate, serverCertificate: serverCertificate,
            clientExpects: clientChecks ? [wrong] : nil, serverExpects: clientChecks ? nil : [wrong]
        )
        link.handshake()
        let (checker, other) = clientChecks ? (link.client, link.server) : (link.server, link.client)
        let peerFingerprint = clientChecks ? serverCertificate.fingerprint : clientCertificate.fingerprint
        let expected = "DTLS: peer certificate fingerprint does not match the SDP (\(peerFingerprint.attributeValue))"
        #expect(checker.state == .failed(expected))
        #expect(other.state == .failed("DTLS alert: bad certificate"))
        #expect(checker.nextTimeoutNs == nil && other.nextTimeoutNs == nil)
    }

    @Test func anotherHashFunctionOfTheRightCertificateIsAccepted() throws {
        let certificate = DTLSCertificate.shared
        let sha1 = try #require(DTLSOpenSSL.fingerprint(of: certificate.certificate!, algorithm: "sha-1"))
        let sha512 = try #require(DTLSOpenSSL.fingerprint(of: certificate.certificate!, algorithm: "sha-512"))
        let wrong = SDPFingerprint(algorithm: "sha-256", bytes: Array(repeating: 1, count: 32))
        let link = try DTLSLink(clientExpects: [wrong, sha512], serverExpects: [sha1])
        link.handshake()
        #expect(link.clientKeys != nil && link.serverKeys != nil)
    }

    @Test func firstRetransmissionIsScheduledAfterTheInitialTimeout() throws {
        let link = try DTLSLink()
        link.client.start(nowNs: link.nowNs)
        let due = try #require(link.client.nextTimeoutNs)
        // OpenSSL's timer runs on the wall clock, so a little of the 100 ms may already have passed.
        #expect(due > link.nowNs + 50_000_000 && due <= link.nowNs + 100_000_000)
        #expect(link.server.nextTimeoutNs == nil)
        // Not yet due: nothing is sent again.
        link.client.handleTimeout(nowNs: link.nowNs + 1_000_000)
        #expect(link.client.handshakeRetransmits == 0)
    }

    @Test func lossOfTheFirstFlightIsRepairedByTheRetransmissionTimer() throws {
        let link = try DTLSLink(clientRetransmitMs: 30)
        link.drop = { fromClient, index in fromClient && index == 0 }
        link.client.start(nowNs: link.nowNs)
        link.pump()
        #expect(link.wire.count == 1)
        #expect(link.client.state == .handshaking && link.server.state == .handshaking)
        let due = try #require(link.client.nextTimeoutNs)
        #expect(due > link.nowNs && due <= link.nowNs + 30_000_000)
        link.nowNs = due
        #expect(link.retransmit(link.client))
        #expect(link.client.handshakeRetransmits == 1)
        #expect(link.client.outgoingCount == 1)
        #expect(link.client.nextTimeoutNs! > link.nowNs)
        link.pump()
        #expect(link.clientKeys != nil && link.clientKeys == link.serverKeys?.mirrored)
    }

    @Test func lossOfTheServersFinalFlightIsRepairedByTheClient() throws {
        let link = try DTLSLink(clientRetransmitMs: 30)
        link.client.start(nowNs: link.nowNs)
        link.deliver(fromClient: true)  // ClientHello
        link.deliver(fromClient: false)  // the server's first flight
        link.drop = { fromClient, _ in !fromClient }  // lose everything the server sends now
        link.deliver(fromClient: true)  // the client's second flight
        link.deliver(fromClient: false)  // the server's ChangeCipherSpec + Finished, lost
        #expect(link.serverKeys != nil)
        #expect(link.client.state == .handshaking)
        link.drop = { _, _ in false }
        link.nowNs = try #require(link.client.nextTimeoutNs)
        #expect(link.retransmit(link.client))
        // The connected server sees the Finished again and repeats its final flight.
        link.pump()
        #expect(link.clientKeys != nil && link.clientKeys == link.serverKeys?.mirrored)
    }

    @Test func aTooShortInitialTimeoutIsRaisedRatherThanRetransmittingInALoop() throws {
        let link = try DTLSLink(clientRetransmitMs: 1)
        link.client.start(nowNs: link.nowNs)
        #expect(link.client.outgoingCount == 1)
        #expect(link.client.handshakeRetransmits == 0)
        let due = try #require(link.client.nextTimeoutNs)
        #expect(due > link.nowNs + 1_000_000)
    }

    @Test(arguments: [256, 576, 1200])
    func datagramsNeverExceedTheMTU(mtu: Int) throws {
        let link = try DTLSLink(mtu: mtu)
        link.handshake()
        #expect(link.clientKeys != nil && link.clientKeys == link.serverKeys?.mirrored)
        #expect(!link.wire.isEmpty)
        for datagram in link.wire {
            #expect(datagram.bytes.count <= mtu)
            #expect(PacketKind(firstByte: datagram.bytes[0]) == .dtls)
        }
        if mtu == 1200 {
            // Records of a flight share datagrams: client hello, server flight, client flight, server finish.
            #expect(link.wire.count == 4)
        }
    }

    @Test func closeSendsCloseNotifyAndThePeerCloses() throws {
        let link = try DTLSLink()
        link.handshake()
        link.client.close()
        #expect(link.client.state == .closed)
        #expect(link.client.outgoingCount == 1)
        link.pump()
        #expect(link.server.state == .closed)
        #expect(link.server.nextTimeoutNs == nil)
        // After closing, datagrams are ignored and nothing more is sent.
        let before = link.client.ignoredDatagrams
        [UInt8]([23, 0xFE, 0xFD, 0, 1]).withUnsafeBytes { link.client.receive($0, nowNs: link.nowNs) }
        #expect(link.client.ignoredDatagrams == before + 1)
        link.client.close()
        #expect(link.client.outgoingCount == 0)
    }

    @Test func closeDuringTheHandshakeStopsTheTimer() throws {
        let link = try DTLSLink()
        link.client.start(nowNs: link.nowNs)
        #expect(link.client.nextTimeoutNs != nil)
        link.client.close()
        #expect(link.client.state == .closed)
        #expect(link.client.nextTimeoutNs == nil)
    }

    @Test func nonDTLSDatagramsAreIgnored() throws {
        let link = try DTLSLink()
        for datagram: [UInt8] in [[], [0, 1, 0, 0], [128, 111, 0, 1], [64], [19, 0]] {
            datagram.withUnsafeBytes { link.server.receive($0, nowNs: link.nowNs) }
        }
        #expect(link.server.ignoredDatagrams == 5)
        #expect(link.server.state == .handshaking)
        #expect(link.server.outgoingCount == 0)
    }

    @Test func setupErrorsAreThrownNotTrapped() {
        let good = [DTLSCertificate.shared.fingerprint]
        #expect(throws: DTLSError.noUsableRemoteFingerprint) {
            try DTLSEndpoint(role: .client, remoteFingerprints: [])
        }
        #expect(throws: DTLSError.noUsableRemoteFingerprint) {
            try DTLSEndpoint(role: .client, remoteFingerprints: [SDPFingerprint(algorithm: "sha-256", bytes: [1, 2])])
        }
        #expect(throws: DTLSError.invalidMTU(255)) {
            try DTLSEndpoint(role: .server, remoteFingerprints: good, mtu: 255)
        }
        #expect(throws: DTLSError.invalidMTU(70000)) {
            try DTLSEndpoint(role: .server, remoteFingerprints: good, mtu: 70000)
        }
        #expect(throws: DTLSError.noSRTPProfile) {
            try DTLSEndpoint(role: .server, remoteFingerprints: good, profiles: [])
        }
    }

    @Test func certificatesAreP256WithUsableSHA256Fingerprints() throws {
        let shared = DTLSCertificate.shared
        #expect(shared === DTLSCertificate.shared)
        #expect(shared.fingerprint.algorithm == "sha-256" && shared.fingerprint.isUsable)
        let fresh = try DTLSCertificate.generate()
        #expect(fresh.fingerprint.isUsable && fresh.fingerprint != shared.fingerprint)
        #expect(SDPFingerprint.parse(fresh.fingerprint.attributeValue) == fresh.fingerprint)
    }

    @Test func garbageNeverCrashesAnEndpoint() throws {
        var random = SplitMix64(seed: 0xD71_5)
        // Real datagrams of one handshake, to mutate.
        let reference = try DTLSLink()
        reference.handshake()
        let transcript = reference.wire
        #expect(transcript.count >= 4)

        var server = try DTLSEndpoint(role: .server, remoteFingerprints: [DTLSCertificate.shared.fingerprint])
        var client = try DTLSEndpoint(role: .client, remoteFingerprints: [DTLSCertificate.shared.fingerprint])
        client.start(nowNs: 0)
        let connected = try DTLSLink()
        connected.handshake()
        for round in 0..<3000 {
            let datagram: [UInt8]
            if round % 2 == 0 {
                let count = Int.random(in: 1...1500, using: &random)
                var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
                bytes[0] = UInt8.random(in: 20...63, using: &random)
                if round % 4 == 0, count >= 13 {
                    // A plausible record header: DTLS 1.2 version and a length that may or may not fit.
                    bytes[1] = 0xFE
                    bytes[2] = 0xFD
                }
                datagram = bytes
            } else {
                var bytes = transcript[Int.random(in: 0..<transcript.count, using: &random)].bytes
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                if round % 8 == 1 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random)) }
                datagram = bytes
            }
            for endpoint in [server, client, connected.client, connected.server] {
                datagram.withUnsafeBytes { endpoint.receive($0, nowNs: UInt64(round)) }
                endpoint.handleTimeout(nowNs: UInt64(round))
                while endpoint.popOutgoing() != nil {}
            }
            if case .failed = server.state {
                server = try DTLSEndpoint(role: .server, remoteFingerprints: [DTLSCertificate.shared.fingerprint])
            }
            if case .failed = client.state {
                client = try DTLSEndpoint(role: .client, remoteFingerprints: [DTLSCertificate.shared.fingerprint])
                client.start(nowNs: UInt64(round))
            }
        }
    }

    @Test func measuresHandshakeCost() throws {
        let pairs = 200
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<pairs {
                let link = try DTLSLink()
                link.handshake()
                guard link.clientKeys != nil else { throw DTLSError.setup("handshake failed") }
            }
        }
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        print("DTLS 1.2 + use_srtp handshake, both ends in one process: \(milliseconds / Double(pairs)) ms per pair")
    }
}
