extension Scenario {
    /// Callers this scenario keeps in progress at most: the closed model's callers (its largest stage), or the open
    /// model's `max_concurrency`; nil for an open model without a cap.
    public var peakCallers: Int? {
        if self.load.arrivalRate != nil { return self.load.maxConcurrency }
        if let stages = self.load.stages, !stages.isEmpty { return stages.map(\.callers).max() }
        return self.load.callers
    }

    /// Callers one event loop carries before another loop pays for itself.
    public static let callersPerLoop = 500

    /// How many event loops carry the callers: `harness.threads` when set, else one per `callersPerLoop` callers
    /// in progress, at least one and at most one per core.
    ///
    /// Every loop wakes for its own frame deadlines, and each wake-up costs a context switch whatever it sends: a
    /// hundred callers spread over every core pay more for waking than for their frames (`make bench`).
    public func callerLoops(cores: Int) -> Int {
        if self.harness.threads > 0 { return self.harness.threads }
        let cores = max(1, cores)
        guard let peak = self.peakCallers else { return cores }
        return min(cores, max(1, (peak + Self.callersPerLoop - 1) / Self.callersPerLoop))
    }
}
