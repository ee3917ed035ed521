import ChorusAudio
import ChorusCore
import ChorusEngine
import ChorusTransport
import NIOCore

/// Builds what callers need from a validated scenario: the agent's address and the audio, encoded once.
enum TargetFactory {
    /// The run's matrix: every transport of the scenario under every network profile.
    static func cells(_ scenario: Scenario, embeddedAgent: EmbeddedAgentProcess?) throws -> [RunCell] {
        var cells: [RunCell] = []
        for transport in scenario.transports {
            let codec = scenario.codec(for: transport)
            let target = try Self.make(scenario, transport: transport, codec: codec, embeddedAgent: embeddedAgent)
            let dialect = transport == .rtp ? "rtp" : scenario.target.dialect.rawValue
            for profile in scenario.network {
                cells.append(
                    RunCell(transport: transport.rawValue, codec: codec, dialect: dialect, profile: profile, target: target))
            }
        }
        return cells
    }

    static func make(
        _ scenario: Scenario, transport: TransportKind, codec: String, embeddedAgent: EmbeddedAgentProcess?
    ) throws -> CallTarget {
        var t = scenario.target
        t.transport = transport
        t.codec = codec
        if t.transport == .rtp {
            let utterances = try Self.loadUtterances(scenario, sampleRate: t.sampleRate)
            let address: SocketAddress
            do {
                if let a = t.address, scenario.target.transport == .rtp {
                    guard let hostPort = HostPort(parsing: a) else {
                        throw CLIError("\(scenario.path): target.address: '\(a)' is not \(HostPort.expectedForm)")
                    }
                    address = try SocketAddress.makeAddressResolvingHost(hostPort.host, port: hostPort.port)
                } else {
                    guard let port = embeddedAgent?.rtpPort else { throw CLIError("the embedded agent has no RTP port") }
                    address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
                }
            } catch let e as CLIError {
                throw e
            } catch {
                throw CLIError("\(scenario.path): target.address: cannot resolve '\(t.address ?? "")': \(error)")
            }
            let codec: SharedRTPAudio.Codec = t.encoding == "pcmu"
                ? .pcmu : .opus(sampleRate: t.sampleRate, bitrate: t.opusBitrate, complexity: t.opusComplexity, fec: t.opusFEC)
            do {
                let audio = try SharedRTPAudio(
                    utterances: utterances, codec: codec, payloadType: t.payloadType.map { UInt8($0) },
                    audioLevelExtension: t.audioLevelExtension)
                return .rtp(address, audio, symmetric: t.symmetricRTP)
            } catch {
                throw CLIError("\(scenario.path): target.codec: cannot encode the utterances: \(error)")
            }
        }
        // This cell's transport and codec; a URL belongs to a WebSocket scenario only (an RTP one has an address).
        var cell = scenario
        cell.target = t
        if scenario.target.transport != .websocket { cell.target.url = nil }
        do {
            return try WebSocketTarget.make(
                cell, utterances: { rate in try Self.loadUtterances(scenario, sampleRate: rate) },
                embeddedPort: embeddedAgent?.port)
        } catch let problem as WebSocketTarget.Problem {
            throw CLIError(problem.description)
        }
    }

    /// Loads every utterance at the codec's rate, reporting every unreadable file at once.
    static func loadUtterances(_ scenario: Scenario, sampleRate: Int) throws -> [Utterance] {
        var problems: [String] = []
        var clips: [Utterance] = []
        for path in scenario.session.utterances {
            do {
                clips.append(try scenario.utterance(path: path, sampleRate: sampleRate))
            } catch {
                problems.append("\(scenario.path): session.utterances: \(error)")
            }
        }
        if !problems.isEmpty { throw CLIError(problems.joined(separator: "\n")) }
        return clips
    }
}
