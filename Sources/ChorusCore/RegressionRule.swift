/// A baseline gate from `thresholds.baseline` (or `chorus gate`'s defaults): compare a metric with a baseline run,
/// failing on a significant regression larger than the tolerance.
public struct RegressionRule: Sendable, Codable, Hashable {
    /// The metric compared, `ttfa.p95` say; it must be `GateMetric.comparableWithBaseline`.
    public var metric: String
    /// The regression tolerated, as the larger of an absolute amount and a share of the baseline's value.
    public var tolerance: Tolerance

    /// The larger of `absolute` (in the metric's unit) and `relativePct` percent of the baseline's value.
    public struct Tolerance: Sendable, Codable, Hashable {
        /// In the metric's unit (milliseconds for latencies, percentage points for rates).
        public var absolute: Double
        /// Percent of the baseline's value.
        public var relativePct: Double

        public init(absolute: Double, relativePct: Double) {
            self.absolute = absolute
            self.relativePct = relativePct
        }

        /// The amount tolerated for a baseline value.
        public func amount(baseline: Double) -> Double {
            Swift.max(self.absolute, abs(baseline) * self.relativePct / 100)
        }

        /// The default for a metric's unit: max(25 ms, 5 %) for latencies, max(1 point, 5 %) for rates,
        /// max(0.1, 5 %) for MOS.
        public static func standard(for unit: GateMetric.Unit) -> Tolerance {
            switch unit {
            case .milliseconds, .msPerTurn: return Tolerance(absolute: 25, relativePct: 5)
            case .percent: return Tolerance(absolute: 1, relativePct: 5)
            case .perMinute, .none: return Tolerance(absolute: 0.1, relativePct: 5)
            }
        }

        /// Parses `regression:` values: `10%` (relative only), `40ms` (absolute only), or both separated by a comma
        /// (`25ms, 5%`). The absolute part is a duration for latencies and a plain number otherwise (percentage
        /// points for rates: `0.5, 10%`). Nil when unreadable.
        public static func parse(_ text: String, unit: GateMetric.Unit) -> Tolerance? {
            var absolute: Double?, relative: Double?
            for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if part.hasSuffix("%") {
                    guard relative == nil, let v = Double(part.dropLast().trimmingCharacters(in: .whitespaces)),
                        v.isFinite, v >= 0
                    else { return nil }
                    relative = v
                } else {
                    let value: Double?
                    switch unit {
                    case .milliseconds, .msPerTurn: value = DurationParser.milliseconds(part)
                    case .percent, .perMinute, .none: value = Double(part)
                    }
                    guard absolute == nil, let v = value, v.isFinite, v >= 0 else { return nil }
                    absolute = v
                }
            }
            guard absolute != nil || relative != nil else { return nil }
            return Tolerance(absolute: absolute ?? 0, relativePct: relative ?? 0)
        }
    }

    public init(metric: String, tolerance: Tolerance) {
        self.metric = metric
        self.tolerance = tolerance
    }
}

/// The baseline part of a scenario's thresholds: which run to compare with by default and what to compare.
public struct BaselinePlan: Sendable, Codable, Hashable {
    /// The baseline `chorus gate` uses without `--baseline`: `latest-passing`, a tag or a run id.
    public var against: String?
    /// The metrics compared, overall and in every cell.
    public var rules: [RegressionRule]

    public init(against: String? = nil, rules: [RegressionRule]) {
        self.against = against
        self.rules = rules
    }

    /// What `chorus gate --baseline` compares when the scenario names nothing: TTFA p50 and p95 with the default
    /// tolerance.
    public static let standard = BaselinePlan(
        rules: ["ttfa.p50", "ttfa.p95"].map {
            RegressionRule(metric: $0, tolerance: .standard(for: .milliseconds))
        })
}
