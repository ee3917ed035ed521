import Foundation

/// A metric a gate can name, parsed from `family.statistic` (`ttfa.p95`, `mos.p05`, `errors.rate`, `drift.slope`).
///
/// Latency families (`ttfa`, `ttfa_audible`, `voice_to_voice`, `response`, `connect`, `bargein`) take `min`, `mean`
/// (`avg`), `p50` (`median`), any percentile `pNN` (`p05`, `p95`, `p99`, `p999` = 99.9, `p99.9`), `max` or `count`,
/// in milliseconds. `mos` takes the same statistics over sessions (agent → caller). Rates are percent:
/// `errors.rate`, `turns.ok_rate`, `stalls.rate`, `loss.effective` (mean effective loss, agent → caller).
/// `stalls.per_min` is stalls per minute of reply audio; `drift.slope` is the Theil–Sen slope of the per-turn-index
/// median TTFA in ms per turn, `drift.slope_ms_per_turn` the median over sessions of each session's Theil–Sen slope
/// of TTFA against turn index, and `drift.p95_by_turn_21plus` the TTFA p95 of turns 21 and later (ms).
/// `bargein.p95` (any latency statistic) summarises the barge-in latency of interruptions the agent stopped for;
/// `bargein.missed_rate` is the percent of scripted interruptions it talked through.
public struct GateMetric: Sendable, Hashable {
    /// How values of the family are summarised.
    public enum Statistic: Sendable, Hashable {
        /// The percentile (0 < p < 100) of the pooled values, Hyndman–Fan type 7 like every report.
        case percentile(Double)
        case mean, min, max, count
        /// A share of events in percent (errors, ok turns, stalled turns).
        case rate
        /// Stalls per minute of received reply audio.
        case perMinute
        /// Theil–Sen slope per turn index.
        case slope
        /// The median over sessions of each session's Theil–Sen slope per turn index.
        case medianSessionSlope
    }

    /// The unit of the metric's values and limits.
    public enum Unit: String, Sendable, Hashable {
        case milliseconds = "ms", percent = "%", msPerTurn = "ms/turn", perMinute = "/min", none = ""
    }

    /// The name as written, e.g. `ttfa.p95`.
    public var name: String
    /// The part before the statistic: `ttfa`, `mos`, `errors`, `turns`, `stalls`, `loss`, `drift`.
    public var family: String
    public var statistic: Statistic
    public var unit: Unit
    /// True for metrics where a drop is the regression (`mos`, `turns.ok_rate`).
    public var higherIsBetter: Bool

    /// Latency families, each with the statistics of a percentile summary; milliseconds.
    public static let latencyFamilies = ["ttfa", "ttfa_audible", "voice_to_voice", "response", "connect", "bargein"]
    /// Metrics named in full.
    public static let namedMetrics: [String: (Statistic, Unit, higherIsBetter: Bool)] = [
        "errors.rate": (.rate, .percent, false), "turns.ok_rate": (.rate, .percent, true),
        "stalls.rate": (.rate, .percent, false), "stalls.per_min": (.perMinute, .perMinute, false),
        "loss.effective": (.mean, .percent, false), "drift.slope": (.slope, .msPerTurn, false),
        "drift.slope_ms_per_turn": (.medianSessionSlope, .msPerTurn, false),
        "drift.p95_by_turn_21plus": (.percentile(95), .milliseconds, false),
        "bargein.missed_rate": (.rate, .percent, false),
    ]

    /// Parses a metric name; the error lists what is known.
    public static func parse(_ name: String) -> Result<GateMetric, ThresholdError> {
        if let (statistic, unit, higher) = Self.namedMetrics[name] {
            let family = String(name.split(separator: ".").first ?? "")
            return .success(GateMetric(name: name, family: family, statistic: statistic, unit: unit, higherIsBetter: higher))
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, Self.latencyFamilies.contains(parts[0]) || parts[0] == "mos",
            let statistic = Self.statistic(parts[1])
        else {
            let known = Self.latencyFamilies.map { "\($0).p95" } + ["mos.p05"] + Self.namedMetrics.keys.sorted()
            return .failure(ThresholdError(
                "unknown metric '\(name)' (expected one of \(known.joined(separator: ", ")); statistics: min, mean, "
                    + "p50/median, pNN like p05, p95, p99 or p999, max, count)"))
        }
        let isMOS = parts[0] == "mos"
        let unit: Unit = statistic == .count || isMOS ? .none : .milliseconds
        return .success(GateMetric(name: name, family: parts[0], statistic: statistic, unit: unit, higherIsBetter: isMOS))
    }

    /// A statistic word: `min`, `mean`/`avg`, `median`, `max`, `count`, or `p` and a percentile.
    static func statistic(_ word: String) -> Statistic? {
        switch word {
        case "min": return .min
        case "mean", "avg": return .mean
        case "median": return .percentile(50)
        case "max": return .max
        case "count": return .count
        default: break
        }
        guard word.hasPrefix("p"), word.count >= 2 else { return nil }
        let digits = String(word.dropFirst())
        let value: Double?
        if digits.contains(".") {
            value = Double(digits)
        } else if digits.allSatisfy(\.isNumber), digits.count <= 2 {
            value = Double(digits)
        } else if digits.allSatisfy(\.isNumber), digits.hasPrefix("99") {
            // p999 is 99.9 and p9995 is 99.95: the digits after the second are decimals.
            value = Double(digits.prefix(2) + "." + digits.dropFirst(2))
        } else {
            value = nil
        }
        guard let p = value, p > 0, p < 100 else { return nil }
        return .percentile(p)
    }

    /// True when a baseline gate can compare the metric: percentiles, means and rates, which a session-level
    /// bootstrap can resample. Extremes, counts, stalls per minute and drift cannot.
    public var comparableWithBaseline: Bool {
        switch self.statistic {
        case .percentile, .mean, .rate: return true
        case .min, .max, .count, .perMinute, .slope, .medianSessionSlope: return false
        }
    }

    /// Values per run a baseline gate needs for the statistic before its verdict means anything.
    ///
    /// For a percentile p, the smallest n whose sample holds an exact two-sided 95 % order-statistic interval of it,
    /// n ≥ ln(0.025) / ln(max(p, 1 − p)) (p95 → 72, p99 → 368, p99.9 → 3 688), and never fewer than 20, below which
    /// the Mann–Whitney normal approximation is not trusted. Means and rates need 20.
    public var minimumSamples: Int {
        guard case .percentile(let p) = self.statistic else { return 20 }
        let q = Swift.max(p, 100 - p) / 100
        return Swift.max(20, Int((log(0.025) / log(q)).rounded(.up)))
    }

    /// The unit written after a number (`ms`, `%`), or empty.
    public var unitSuffix: String { self.unit.rawValue }
}
