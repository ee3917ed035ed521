import NIOConcurrencyHelpers
import NIOCore

/// The channels of the calls in progress, so a run can be stopped (Ctrl-C, duration over) with every call
/// recording what it measured. Touched once per call, never per frame.
public final class CallRegistry: Sendable {
    private let state = NIOLockedValueBox<(channels: [ObjectIdentifier: any Channel], stopped: Bool)>(([:], false))

    public init() {}

    /// Registers a connected call; returns false (and the caller should hang up) when the run is already stopping.
    public func add(_ channel: any Channel) -> Bool {
        self.state.withLockedValue { state in
            guard !state.stopped else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    public func remove(_ channel: any Channel) {
        _ = self.state.withLockedValue { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Whether `interruptAll()` has been called.
    public var isStopped: Bool { self.state.withLockedValue { $0.stopped } }

    /// Asks every call in progress to hang up, and every later one not to start.
    public func interruptAll() {
        let channels = self.state.withLockedValue { state in
            state.stopped = true
            return Array(state.channels.values)
        }
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(CallerInterrupt())
        }
    }
}
