import ChorusAudio
import ChorusCore
import Foundation

/// The transports a run may use, each registered under its kind; every run's targets are built here.
///
/// Adding a transport takes a `CallTransport` conformer (its `make(_:)` reads the scenario), a `TransportKind` name,
/// and one `registering` line in `standard`. Nothing else in the engine knows which transport a cell uses.
public struct TransportRegistry: Sendable {
    private struct Entry: Sendable {
        var make: @Sendable (TransportSetup) throws -> any CallTransport
        var agentAddress: @Sendable (Scenario.Target) -> String?
    }

    private var entries: [TransportKind: Entry] = [:]

    /// A registry with no transport.
    public init() {}

    /// The transports Chorus ships: WebSocket, RTP and WebRTC.
    public static let standard = TransportRegistry()
        .registering(.websocket, WebSocketCallTransport.self)
        .registering(.rtp, RTPCallTransport.self)
        .registering(.webrtc, WebRTCCallTransport.self)

    /// This registry with `transport` serving `kind`, in place of any transport registered for it before.
    public func registering<Transport: CallTransport>(
        _ kind: TransportKind, _ transport: Transport.Type
    ) -> TransportRegistry {
        var copy = self
        copy.entries[kind] = Entry(make: { try Transport.make($0) }, agentAddress: { Transport.agentAddress(in: $0) })
        return copy
    }

    /// The kinds that have a transport, in `TransportKind` order.
    public var kinds: [TransportKind] { TransportKind.allCases.filter { self.entries[$0] != nil } }

    /// Whether some cell of `scenario` calls the embedded reference agent: every transport but the target's own,
    /// and the target's own when the scenario gives it no address.
    public func callsEmbeddedAgent(_ scenario: Scenario) -> Bool {
        scenario.transports.contains { kind in
            kind != scenario.target.transport || self.entries[kind]?.agentAddress(scenario.target) == nil
        }
    }

    /// The run's matrix: every transport of the scenario under every network profile. Each transport's target
    /// (its address and encoded audio) is built once and shared by its cells.
    /// - Parameters:
    ///   - embeddedAgent: where the embedded reference agent listens, when one was started.
    ///   - utterances: loads the utterances at a sample rate; by default the scenario's `session.utterances`.
    ///   - environment: what `${VAR}` in the target expands from.
    /// - Throws: `TargetProblem` naming the file and key, or a dialect's error preparing its audio.
    public func cells(
        for scenario: Scenario, embeddedAgent: EmbeddedAgentAddresses?,
        utterances: (@Sendable (Int) throws -> [Utterance])? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [RunCell] {
        let spoken = utterances ?? { rate in try scenario.loadUtterances(sampleRate: rate) }
        // The barge-in utterance is the last clip (SessionPlanner).
        let load: @Sendable (Int) throws -> [Utterance] = { rate in
            try spoken(rate) + (try scenario.loadBargeInUtterance(sampleRate: rate).map { [$0] } ?? [])
        }
        var cells: [RunCell] = []
        for kind in scenario.transports {
            let setup = TransportSetup(
                scenario: Self.scenario(scenario, seenFrom: kind), embeddedAgent: embeddedAgent, utterances: load,
                environment: environment)
            let target = try self.target(setup)
            for profile in scenario.network {
                cells.append(RunCell(target: target, codec: setup.scenario.target.codec, profile: profile))
            }
        }
        return cells
    }

    /// Builds one transport's target.
    /// - Throws: `TargetProblem` when no transport is registered for the setup's kind, or what its factory throws.
    public func target(_ setup: TransportSetup) throws -> any CallTransport {
        guard let entry = self.entries[setup.kind] else {
            let known = self.kinds.map(\.rawValue).joined(separator: ", ")
            throw TargetProblem(
                description: "\(setup.scenario.path): target.transport: no transport runs '\(setup.kind)'"
                    + " (expected one of: \(known))")
        }
        return try entry.make(setup)
    }

    /// `scenario` as the cells of `kind` see it (`TransportSetup.scenario`).
    public static func scenario(_ scenario: Scenario, seenFrom kind: TransportKind) -> Scenario {
        var seen = scenario
        seen.target.transport = kind
        seen.target.codec = scenario.codec(for: kind)
        // The target's address belongs to the target's own transport; the others call the embedded agent.
        if kind != scenario.target.transport {
            seen.target.url = nil
            seen.target.address = nil
        }
        return seen
    }
}
