/// One step of a closed-model load profile: ramp to `callers` concurrent callers over `rampMs`, hold for `durationMs`.
///
/// A list of stages makes stepped ramps (10 → 50 → 100) and spikes (a stage with a zero ramp and a short duration).
public struct LoadStage: Sendable, Codable, Hashable {
    public var callers: Int
    public var durationMs: Double
    public var rampMs: Double

    public init(callers: Int, durationMs: Double, rampMs: Double = 0) {
        self.callers = callers
        self.durationMs = durationMs
        self.rampMs = rampMs
    }
}

/// When each caller slot of a staged closed model is active: slot i runs sessions back to back while the
/// stage's target is above i. Pure, so tests need no clock.
public struct StagedSchedule: Sendable {
    /// A window in which a slot starts sessions; a session started inside it runs to its end.
    public struct Window: Sendable, Hashable {
        public var startNs: Int64
        public var endNs: Int64

        public init(startNs: Int64, endNs: Int64) {
            self.startNs = startNs
            self.endNs = endNs
        }
    }

    public let stages: [LoadStage]

    public init(stages: [LoadStage]) {
        self.stages = stages
    }

    /// The most callers any stage asks for.
    public var maxCallers: Int { self.stages.map(\.callers).max() ?? 0 }

    /// The whole profile's length.
    public var totalNs: Int64 { self.stages.reduce(0) { $0 + Int64($1.durationMs * 1e6) } }

    /// The windows of slot `index`, in order.
    public func windows(ofSlot index: Int) -> [Window] {
        var windows: [Window] = []
        var stageStart: Int64 = 0
        var previous = 0
        var openStart: Int64?
        for stage in self.stages {
            let stageNs = Int64(stage.durationMs * 1e6)
            if index < stage.callers {
                if openStart == nil {
                    // A newly added slot starts evenly within the stage's ramp.
                    let added = max(1, stage.callers - previous)
                    let position = Int64(max(0, index - previous))
                    openStart = stageStart + Int64(stage.rampMs * 1e6) * position / Int64(added)
                }
            } else if let start = openStart {
                windows.append(Window(startNs: start, endNs: stageStart))
                openStart = nil
            }
            previous = stage.callers
            stageStart += stageNs
        }
        if let start = openStart { windows.append(Window(startNs: start, endNs: stageStart)) }
        return windows
    }
}
