import ChorusCore
import ChorusTransport

/// How callers reach the agent over one transport: the connection's address and the audio encoded once for it,
/// shared by every call of the run.
///
/// A conformer is built from a scenario by its `make(_:)` and registered once under its kind in a
/// `TransportRegistry`; the engine then runs it without knowing which transport it is.
public protocol CallTransport: Sendable, CustomStringConvertible {
    /// Builds the transport's target for one run from the scenario's `target` keys.
    /// - Throws: `TargetProblem` naming the scenario file and key, or the dialect's own error.
    static func make(_ setup: TransportSetup) throws -> Self

    /// The key of `target` that gives this transport the agent's address (`target.url`, `target.address`); nil when
    /// it gives none, and the embedded reference agent is called.
    static func agentAddress(in target: Scenario.Target) -> String?

    /// The transport's scenario name; stored in `sessions.transport`.
    var kind: TransportKind { get }

    /// What `sessions.dialect` stores: the wire dialect's name, or the transport's own for one that has no dialect.
    var dialectName: String { get }

    /// For messages: the agent's address, secrets redacted.
    var description: String { get }

    /// How many utterances callers choose from.
    var clipCount: Int { get }

    /// Whether media travels as datagrams (a lost packet is lost, reordering can skip a delay) rather than as a
    /// stream; decides the smallest TTFA the network allows (docs/metrics.md).
    var usesDatagrams: Bool { get }

    /// Adapts a session's plan to the transport before the call starts.
    func adjust(_ plan: inout SessionPlan)

    /// Runs one call on `stats.eventLoop` and returns when it has hung up; a failed call is a result, never a throw.
    /// - Parameters:
    ///   - registry: where the call registers so the run can interrupt it.
    ///   - connectTimeout: how long connecting may take before the call is `connect_failed`.
    func call(plan: SessionPlan, stats: LoopStats, registry: CallRegistry, connectTimeout: Duration) async -> CallResult
}

extension CallTransport {
    public var dialectName: String { self.kind.rawValue }

    public func adjust(_ plan: inout SessionPlan) {}
}
