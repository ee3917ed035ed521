import ChorusWebRTC

/// What WebRTC adds per call and per packet: a DTLS-SRTP handshake with both ends in this process, and SRTP
/// protect plus unprotect of one 20 ms Opus packet.
enum WebRTCCosts {
    /// One full handshake (client and server, in memory); returns 1 when both ends hold the keys.
    static func handshake() -> Int {
        let certificate = DTLSCertificate.shared
        guard let client = try? DTLSEndpoint(role: .client, remoteFingerprints: [certificate.fingerprint]),
            let server = try? DTLSEndpoint(role: .server, remoteFingerprints: [certificate.fingerprint])
        else { return 0 }
        client.start(nowNs: 0)
        server.start(nowNs: 0)
        for _ in 0..<20 {
            var moved = false
            while let datagram = client.popOutgoing() {
                datagram.withUnsafeBytes { server.receive($0, nowNs: 0) }
                moved = true
            }
            while let datagram = server.popOutgoing() {
                datagram.withUnsafeBytes { client.receive($0, nowNs: 0) }
                moved = true
            }
            if !moved { break }
        }
        if case .connected = client.state, case .connected = server.state { return 1 }
        return 0
    }

    /// A pair of SRTP sessions with mirrored keys, from one handshake.
    static func sessions(_ profile: SRTPProfile) -> (SRTPSession, SRTPSession)? {
        let keys = SRTPKeyingMaterial(
            profile: profile, localMasterKey: [UInt8](repeating: 1, count: profile.masterKeyLength),
            localMasterSalt: [UInt8](repeating: 2, count: profile.masterSaltLength),
            remoteMasterKey: [UInt8](repeating: 3, count: profile.masterKeyLength),
            remoteMasterSalt: [UInt8](repeating: 4, count: profile.masterSaltLength))
        guard let a = try? SRTPSession(keys: keys), let b = try? SRTPSession(keys: keys.mirrored) else { return nil }
        return (a, b)
    }

    static func run(_ bench: inout Bench) {
        print("WebRTC: per call and per packet (OpenSSL 3; RTP with AES-GCM in chorus_srtp_gcm, the rest in libsrtp2)")
        let ns = bench.measure("DTLS 1.2 + use_srtp handshake, both ends") { Self.handshake() }
        print("  → \(Int(1e9 / ns)) handshakes (both ends) per core-second; a caller does half the work")
        for profile in [SRTPProfile.aeadAES128GCM, .aes128CMHMACSHA1_80] {
            guard let (sender, receiver) = Self.sessions(profile) else { continue }
            var packet = [UInt8](repeating: 0, count: 132 + SRTPSession.maxTrailer)
            packet[0] = 0x80
            packet[1] = 111
            var sequence: UInt16 = 0
            bench.measure("SRTP \(profile) protect + unprotect, 132 B") {
                sequence &+= 1
                packet[2] = UInt8(sequence >> 8)
                packet[3] = UInt8(sequence & 0xFF)
                return packet.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress, let sealed = sender.protectRTP(base, length: 132) else { return 0 }
                    return receiver.unprotectRTP(base, length: sealed) ?? 0
                }
            }
        }
        // A load test touches each call's SRTP state once per 20 ms, among a thousand others: out of cache.
        let pairs = (0..<1000).compactMap { _ in Self.sessions(.aeadAES128GCM) }
        var packet = [UInt8](repeating: 0, count: 132 + SRTPSession.maxTrailer)
        packet[0] = 0x80
        packet[1] = 111
        var turn = 0
        var sequences = [UInt16](repeating: 0, count: pairs.count)
        bench.measure("SRTP aeadAES128GCM, 1,000 calls in turn") {
            turn = turn + 1 == pairs.count ? 0 : turn + 1
            sequences[turn] &+= 1
            packet[2] = UInt8(sequences[turn] >> 8)
            packet[3] = UInt8(sequences[turn] & 0xFF)
            let (sender, receiver) = pairs[turn]
            return packet.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress, let sealed = sender.protectRTP(base, length: 132) else { return 0 }
                return receiver.unprotectRTP(base, length: sealed) ?? 0
            }
        }
    }
}
