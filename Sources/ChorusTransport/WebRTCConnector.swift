import ChorusCore
import ChorusNetwork
import ChorusSockets
import ChorusWebRTC
import ChorusWebRTCNIO
import NIOCore
import NIOPosix

/// Sets up one WebRTC call and runs it: a UDP socket of its own, the SDP offer through signalling, ICE, DTLS-SRTP,
/// then the call's RTP media (the same `RTPMedia` as plain RTP callers) through `WebRTCSecureHandler`; always
/// closes the socket and, for WHIP, deletes the session.
///
/// Never throws: every failure is a session with an outcome (`rejected`, `protocol_error`, `connect_failed`).
public enum WebRTCConnector {
    /// What every call of a run shares.
    public struct Settings: Sendable {
        public var signalling: WebRTCSignalling
        /// The local address the socket binds to and announces as its host candidate.
        public var localHost: String
        public var ice: ICEAgent.Configuration
        /// DTLS retransmission timer's first interval, ms.
        public var dtlsRetransmitMs: UInt32
        /// Secrets to redact from stored errors.
        public var redact: @Sendable (String) -> String

        public init(
            signalling: WebRTCSignalling, localHost: String, ice: ICEAgent.Configuration = .init(),
            dtlsRetransmitMs: UInt32 = 100, redact: @escaping @Sendable (String) -> String = { $0 }
        ) {
            self.signalling = signalling
            self.localHost = localHost
            self.ice = ice
            self.dtlsRetransmitMs = dtlsRetransmitMs
            self.redact = redact
        }
    }

    /// Connects on `stats.eventLoop`, streams the plan and returns when the call has hung up.
    public static func run(
        plan: SessionPlan, settings: Settings, audio: SharedRTPAudio, stats: LoopStats, registry: CallRegistry,
        connectTimeout: TimeAmount = .seconds(10)
    ) async -> CallResult {
        let startedNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let loop = stats.eventLoop
        var phases = ConnectPhases()
        let tap: LinkTap? = plan.link.map { $0.isClean ? nil : LinkTap() } ?? nil
        let channel: any Channel
        let socket: DirectDatagramSocket
        do {
            // A socket of our own, so that once connected the call's media can bypass NIO's write path.
            socket = try DirectDatagramSocket.open(
                bindingTo: SocketAddress.makeAddressResolvingHost(settings.localHost, port: 0))
            channel = try await RTPConnector.bootstrap(on: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // The impaired link sits next to the socket: STUN, DTLS and SRTP all cross it.
                        if let profile = plan.link, let tap {
                            let link: ImpairmentHandler<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>> =
                                .datagram(
                                    profile: profile, runSeed: plan.runSeed, callerIndex: plan.sessionIndex, tap: tap,
                                    scheduler: stats.delays)
                            try channel.pipeline.syncOperations.addHandler(link)
                        }
                    }
                }
                .withBoundSocket(socket.descriptor).get()
        } catch {
            return Self.failed(startedNs, phases, .connectFailed, "cannot open a UDP socket on \(settings.localHost): \(error)")
        }
        defer { channel.close(promise: nil) }
        guard let localPort = channel.localAddress?.port else {
            return Self.failed(startedNs, phases, .connectFailed, "the UDP socket has no local port")
        }

        // The offer: our one host candidate, fresh ICE credentials, the process's certificate.
        let credentials = ICECredentials.random()
        let offer: SDPOffer
        do {
            offer = try SDPOffer(
                sessionID: UInt64.random(in: 1...UInt64.max), iceUfrag: credentials.ufrag,
                icePassword: credentials.password, fingerprint: DTLSCertificate.shared.fingerprint,
                ssrc: RTPMedia.ssrc(seed: plan.seed), cname: plan.sessionId,
                candidates: [SDPCandidate.host(foundation: "1", address: settings.localHost, port: localPort)],
                audioLevelExtensionID: audio.format.payloadType == 0 ? nil : 1)
        } catch {
            return Self.failed(startedNs, phases, .protocolError, "cannot write the SDP offer: \(error)")
        }
        let signallingStart = Int64(NIODeadline.now().uptimeNanoseconds)
        let exchanged = await settings.signalling.exchange(
            offer: offer.sdp, sessionId: plan.sessionId, on: loop, timeout: connectTimeout)
        phases.signallingMs = Double(Int64(NIODeadline.now().uptimeNanoseconds) - signallingStart) / 1e6
        let answer: String
        let resource: HTTPExchange.Target?
        switch exchanged {
        case .success(let result): (answer, resource) = result
        case .failure(let failure): return Self.failed(startedNs, phases, failure.outcome, settings.redact(failure.description))
        }
        let result = await Self.call(
            plan: plan, offer: offer, answer: answer, credentials: credentials, channel: channel,
            ownSocket: tap == nil ? socket : nil, tap: tap,
            settings: settings, audio: audio, stats: stats, registry: registry, connectTimeout: connectTimeout,
            startedNs: startedNs, phases: phases)
        if let resource { await settings.signalling.hangUp(resource: resource, on: loop) }
        return result
    }

    /// Negotiates the answer, runs ICE and DTLS to the keys, then the call.
    private static func call(
        plan: SessionPlan, offer: SDPOffer, answer: String, credentials: ICECredentials, channel: any Channel,
        ownSocket: DirectDatagramSocket?, tap: LinkTap?, settings: Settings, audio: SharedRTPAudio, stats: LoopStats,
        registry: CallRegistry, connectTimeout: TimeAmount, startedNs: Int64, phases: ConnectPhases
    ) async -> CallResult {
        var phases = phases
        let negotiated: SDPNegotiatedAudio
        switch offer.negotiate(answer: answer) {
        case .success(let n): negotiated = n
        case .failure(let error): return Self.failed(startedNs, phases, .protocolError, "SDP answer: \(error)")
        }
        let wantsOpus = audio.format.encodingName.lowercased() == "opus"
        guard (negotiated.codec == .opus) == wantsOpus else {
            return Self.failed(
                startedNs, phases, .protocolError,
                "SDP answer: the agent chose \(negotiated.codec.rawValue), but these callers send \(audio.format.encodingName)")
        }
        guard let placeholder = negotiated.remoteCandidates.lazy.compactMap({ try? SocketAddress(ipAddress: $0.address, port: $0.port) }).first
            ?? (try? SocketAddress(ipAddress: settings.localHost, port: 9))
        else {
            return Self.failed(startedNs, phases, .protocolError, "SDP answer: no candidate address can be read")
        }
        let loop = stats.eventLoop
        let ready = loop.makePromise(of: WebRTCSetupTimes.self)
        let report = loop.makePromise(of: CallerReport.self)
        let secure: NIOLoopBound<WebRTCSecureHandler>
        do {
            secure = try await loop.submit {
                let local = channel.localAddress.flatMap(STUNAddress.init)
                let ice = ICEAgent(
                    role: .controlling, local: credentials,
                    remote: ICECredentials(ufrag: negotiated.remoteICEUfrag, password: negotiated.remoteICEPassword),
                    localAddresses: local.map { [$0] } ?? [], tieBreaker: UInt64.random(in: 0...UInt64.max),
                    remoteIsLite: negotiated.remoteICELite, configuration: settings.ice)
                for candidate in negotiated.remoteCandidates { ice.addRemoteCandidate(candidate) }
                if negotiated.remoteCandidatesComplete || !negotiated.remoteTrickles { ice.endOfRemoteCandidates() }
                let dtls = try DTLSEndpoint(
                    role: negotiated.dtlsRole, remoteFingerprints: negotiated.remoteFingerprints,
                    initialRetransmitMs: settings.dtlsRetransmitMs)
                let handler = WebRTCSecureHandler(
                    ice: ice, dtls: dtls, payloadTypes: (local: audio.format.payloadType, remote: negotiated.payloadType),
                    // Connected, it writes bare datagrams, which the impaired link (typed for addressed ones) cannot
                    // take, or writes past the link altogether; behind one it keeps addressing them.
                    ownSocket: ownSocket, scratch: stats.datagrams, ready: ready)
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(handler)
                let engine = CallEngine.rtp(
                    plan: plan, audio: audio, remote: placeholder, secure: handler, stats: stats, tap: tap,
                    promise: report)
                try pipeline.addHandler(engine)
                handler.mediaReceiver = engine
                return NIOLoopBound(handler, eventLoop: loop)
            }.get()
        } catch {
            ready.fail(error)
            report.fail(error)
            return Self.failed(startedNs, phases, .connectFailed, "cannot start DTLS: \(error)")
        }
        // ICE has its own timeout (no pair within it fails with a reason); this one also covers DTLS.
        let timeout = loop.scheduleTask(in: connectTimeout) {
            ready.fail(WebRTCSecureHandler.Failure(
                description: "WebRTC set-up did not finish within \(connectTimeout.nanoseconds / 1_000_000) ms",
                afterConnecting: false))
        }
        let times: WebRTCSetupTimes
        do {
            times = try await ready.futureResult.get()
            timeout.cancel()
        } catch {
            timeout.cancel()
            let partial = try? await loop.submit { secure.value.times }.get()
            phases.iceMs = partial?.iceNs.map { Double($0) / 1e6 }
            channel.close(promise: nil)
            report.fail(error)
            return Self.failed(startedNs, phases, .connectFailed, settings.redact("\(error)"))
        }
        phases.iceMs = times.iceNs.map { Double($0) / 1e6 }
        phases.dtlsMs = times.dtlsNs.map { Double($0) / 1e6 }
        var result = await CallResult.run(channel: channel, registry: registry, report: report, startedNs: startedNs)
        let final = try? await loop.submit { secure.value.times }.get()
        phases.firstMediaMs = final?.firstMediaAfterKeysNs.map { Double($0) / 1e6 }
        result.connectPhases = phases
        return result
    }

    private static func failed(_ startedNs: Int64, _ phases: ConnectPhases, _ outcome: Outcome, _ message: String) -> CallResult {
        CallResult(
            startedNs: startedNs, connectNs: nil, endedNs: Int64(NIODeadline.now().uptimeNanoseconds),
            report: CallerReport(turns: [], outcome: outcome, error: message), connectPhases: phases)
    }
}
