import ChorusAudio
import ChorusCore
import ChorusDialects
import ChorusTransport
import ChorusWebRTC
import Foundation
import NIOCore
import NIOPosix

/// Callers reaching a WebRTC agent: SDP offer/answer over HTTP signalling (`target.signalling`: WHIP or Pipecat),
/// ICE, DTLS-SRTP, and Opus or PCMU over SRTP (docs/webrtc.md).
public struct WebRTCCallTransport: CallTransport {
    public var settings: WebRTCConnector.Settings
    /// Every utterance encoded once, as RTP payloads.
    public var audio: SharedRTPAudio

    public init(settings: WebRTCConnector.Settings, audio: SharedRTPAudio) {
        self.settings = settings
        self.audio = audio
    }

    /// Reads `target.url` (or the embedded agent's signalling port), `target.signalling`, `target.local_address`,
    /// headers with `${VAR}` secrets, the codec, and encodes the utterances.
    public static func make(_ setup: TransportSetup) throws -> WebRTCCallTransport {
        let scenario = setup.scenario
        let t = scenario.target
        var problems: [String] = []
        let style = t.signalling
        let endpoint: HTTPExchange.Target
        if let url = t.url {
            guard let e = HTTPExchange.Target(url: url) else {
                throw TargetProblem(description: "\(scenario.path): target.url: '\(url)' is not an http:// or https:// URL")
            }
            endpoint = e
        } else {
            guard let agent = setup.embeddedAgent, let port = agent.ports[.webrtc] else {
                throw TargetProblem(description: "the embedded agent has no WebRTC signalling port")
            }
            endpoint = HTTPExchange.Target(
                host: agent.host, port: port, path: style == .whip ? "/whip" : "/api/offer", isTLS: false)
        }
        let secrets = WebSocketTarget.secrets(of: scenario, environment: setup.environment)
        var headers: [(String, String)] = []
        for (name, value) in t.headers.sorted(by: { $0.key < $1.key }) {
            switch Secrets.expandEnvironment(value, environment: setup.environment) {
            case .success(let expanded): headers.append((name, expanded))
            case .failure(let error): problems.append("\(scenario.path): target.headers.\(name): \(error)")
            }
        }
        var signalling = WebRTCSignalling(style: style, endpoint: endpoint, headers: headers)
        if endpoint.isTLS {
            do {
                try signalling.useTLS(caFile: t.tls.caFile, insecure: t.tls.insecure)
            } catch {
                problems.append("\(scenario.path): target.tls: cannot set up TLS: \(error)")
            }
        }
        let localHost: String
        if let given = t.localAddress {
            localHost = given
        } else {
            localHost = Self.routedLocalAddress(toward: endpoint.host) ?? "0.0.0.0"
        }
        if !problems.isEmpty { throw TargetProblem(description: problems.joined(separator: "\n")) }
        let utterances = try setup.utterances(t.sampleRate)
        let audio: SharedRTPAudio
        do {
            // The payload types our offer announces: 111 for Opus, 0 for PCMU.
            audio = try SharedRTPAudio(
                utterances: utterances, codec: t.rtpCodec, payloadType: t.encoding == "pcmu" ? 0 : SDPOffer.opusPayloadType,
                audioLevelExtension: t.encoding != "pcmu")
        } catch {
            throw TargetProblem(description: "\(scenario.path): target.codec: cannot encode the utterances: \(error)")
        }
        let redactor = WebSocketClientOptions(secrets: secrets)
        let settings = WebRTCConnector.Settings(
            signalling: signalling,
            localHost: localHost, dtlsRetransmitMs: UInt32(t.dtlsRetransmitMs.rounded()), redact: { redactor.redact($0) })
        return WebRTCCallTransport(settings: settings, audio: audio)
    }

    public static func agentAddress(in target: Scenario.Target) -> String? { target.url }

    public var kind: TransportKind { .webrtc }

    public var dialectName: String { self.settings.signalling.style.rawValue }

    public var description: String { "webrtc+\(self.settings.signalling.style.rawValue) \(self.settings.signalling.endpoint)" }

    public var clipCount: Int { self.audio.clips.count }

    public var usesDatagrams: Bool { true }

    /// Like plain RTP, an answer ends after 600 ms without packets (docs/metrics.md).
    public func adjust(_ plan: inout SessionPlan) {
        plan.responseEndSilenceNs = RTPCallTransport.responseEndSilenceNs
    }

    public func call(
        plan: SessionPlan, stats: LoopStats, registry: CallRegistry, connectTimeout: Duration
    ) async -> CallResult {
        await WebRTCConnector.run(
            plan: plan, settings: self.settings, audio: self.audio, stats: stats, registry: registry,
            connectTimeout: TimeAmount(connectTimeout))
    }

    /// The local address the kernel would send from toward `host` (a connected UDP socket's name, no packet sent):
    /// the one interface callers announce, never every interface.
    static func routedLocalAddress(toward host: String) -> String? {
        guard let remote = try? SocketAddress.makeAddressResolvingHost(host, port: 9) else { return nil }
        let group = MultiThreadedEventLoopGroup.singleton
        guard let channel = try? DatagramBootstrap(group: group).connect(to: remote).wait() else { return nil }
        defer { try? channel.close().wait() }
        return channel.localAddress?.ipAddress
    }
}
