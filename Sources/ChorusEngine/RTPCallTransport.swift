import ChorusAudio
import ChorusCore
import ChorusTransport
import NIOCore

/// Callers sending RTP (Opus or PCMU) over UDP to the agent's address (docs/rtp.md).
public struct RTPCallTransport: CallTransport {
    public var remote: SocketAddress
    /// Every utterance encoded once, as RTP payloads.
    public var audio: SharedRTPAudio
    /// The agent answers from the address it is sent to, so each caller's socket is connected to it.
    public var symmetric: Bool

    public init(remote: SocketAddress, audio: SharedRTPAudio, symmetric: Bool = true) {
        self.remote = remote
        self.audio = audio
        self.symmetric = symmetric
    }

    /// Reads `target.address` (or the embedded agent's RTP port), the codec and the `target` RTP keys, and encodes
    /// the utterances.
    public static func make(_ setup: TransportSetup) throws -> RTPCallTransport {
        let scenario = setup.scenario
        let t = scenario.target
        let utterances = try setup.utterances(t.sampleRate)
        let remote: SocketAddress
        do {
            if let a = t.address {
                guard let hostPort = HostPort(parsing: a) else {
                    throw TargetProblem(
                        description: "\(scenario.path): target.address: '\(a)' is not \(HostPort.expectedForm)")
                }
                remote = try SocketAddress.makeAddressResolvingHost(hostPort.host, port: hostPort.port)
            } else {
                guard let agent = setup.embeddedAgent, let port = agent.ports[.rtp] else {
                    throw TargetProblem(description: "the embedded agent has no RTP port")
                }
                remote = try SocketAddress(ipAddress: agent.host, port: port)
            }
        } catch let problem as TargetProblem {
            throw problem
        } catch {
            throw TargetProblem(
                description: "\(scenario.path): target.address: cannot resolve '\(t.address ?? "")': \(error)")
        }
        do {
            let audio = try SharedRTPAudio(
                utterances: utterances, codec: t.rtpCodec, payloadType: t.payloadType.map { UInt8($0) },
                audioLevelExtension: t.audioLevelExtension)
            return RTPCallTransport(remote: remote, audio: audio, symmetric: t.symmetricRTP)
        } catch {
            throw TargetProblem(description: "\(scenario.path): target.codec: cannot encode the utterances: \(error)")
        }
    }

    public static func agentAddress(in target: Scenario.Target) -> String? { target.address }

    public var kind: TransportKind { .rtp }

    public var description: String {
        "rtp://\(HostPort(host: self.remote.ipAddress ?? "?", port: self.remote.port ?? 0))"
    }

    public var clipCount: Int { self.audio.clips.count }

    public var usesDatagrams: Bool { true }

    /// RTP has no end-of-response message: an answer ends after this long without packets (docs/metrics.md).
    static let responseEndSilenceNs: Int64 = 600_000_000

    public func adjust(_ plan: inout SessionPlan) {
        plan.responseEndSilenceNs = Self.responseEndSilenceNs
    }

    public func call(
        plan: SessionPlan, stats: LoopStats, registry: CallRegistry, connectTimeout: Duration
    ) async -> CallResult {
        await RTPConnector.run(
            plan: plan, remote: self.remote, audio: self.audio, symmetric: self.symmetric, stats: stats,
            registry: registry)
    }
}

extension Scenario.Target {
    /// The codec RTP and WebRTC callers encode their utterances with: PCMU, or Opus with the target's settings.
    var rtpCodec: SharedRTPAudio.Codec {
        self.encoding == "pcmu"
            ? .pcmu
            : .opus(sampleRate: self.sampleRate, bitrate: self.opusBitrate, complexity: self.opusComplexity, fec: self.opusFEC)
    }
}
