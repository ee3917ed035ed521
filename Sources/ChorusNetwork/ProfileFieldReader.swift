import ChorusCore
import Foundation

/// Reads one direction's custom-profile keys on top of a base profile, collecting every problem.
struct ProfileFieldReader {
    private let entries: [String: ProfileEntry]
    private(set) var problems: [NetworkProfileProblem] = []

    init(entries: [String: ProfileEntry]) {
        self.entries = entries
    }

    /// The base profile with every given key applied.
    mutating func profile(base: NetworkProfile) -> NetworkProfile {
        var profile = base
        profile.loss = self.loss(base: base.loss)
        if let delay = self.duration("delay", allowed: "≥ 0", where: { $0 >= 0 }) { profile.delayMs = delay }
        profile.jitter = self.jitter(base: base.jitter)
        if let correlation = self.fraction("correlation") { profile.correlation = correlation }
        if let reorder = self.percent("reorder") { profile.reorderRate = reorder / 100 }
        if let duplicate = self.percent("duplicate") { profile.duplicateRate = duplicate / 100 }
        if let rate = self.rate() { profile.rateKbps = rate }
        if let queue = self.duration("queue", allowed: "≥ 0", where: { $0 >= 0 }) {
            profile.queueMs = queue
            if profile.rateKbps == nil, let entry = self.entries["queue"] {
                self.problem(entry, "has no effect without a rate; set rate as well")
            }
        }
        if let allows = self.bool("allow_reordering") { profile.allowsReordering = allows }
        if let outage = self.outage(base: base.outage) { profile.outage = outage }
        return profile
    }

    // MARK: - Field groups

    private mutating func loss(base: LossModel) -> LossModel {
        let percent = self.percent("loss")
        let burst = self.number("burst", allowed: "≥ 1 (packets)", where: { $0 >= 1 })
        let model = self.choice("loss_model", ["none", "bernoulli", "random", "gilbert-elliott", "gilbert", "ge"])
        guard percent != nil || burst != nil || model != nil else { return base }
        let rate = (percent ?? base.meanLossRate * 100) / 100
        var isBursty = burst != nil
        if case .gilbertElliott = base { isBursty = true }
        switch model ?? (isBursty ? "gilbert-elliott" : "bernoulli") {
        case "none":
            return .none
        case "bernoulli", "random":
            if burst != nil, let entry = self.entries["burst"] {
                self.problem(entry, "needs loss_model gilbert-elliott (Bernoulli losses have no bursts)")
            }
            return rate > 0 ? .bernoulli(rate: rate) : .none
        default:
            let meanBurst = burst ?? max(1, base.meanBadSojourn)
            guard rate < 1 else {
                if let entry = self.entries["loss"] { self.problem(entry, "must be below 100 % with gilbert-elliott") }
                return base
            }
            if rate > 0, meanBurst < rate / (1 - rate), let entry = self.entries["burst"] ?? self.entries["loss"] {
                self.problem(entry, "a mean burst of \(meanBurst) cannot give \(rate * 100) % loss; allowed ≥ L/(1−L)")
            }
            return .gilbertElliott(lossRate: rate, meanBurst: meanBurst)
        }
    }

    private mutating func jitter(base: JitterModel) -> JitterModel {
        let scale = self.duration("jitter", allowed: "≥ 0", where: { $0 >= 0 }) ?? base.scaleMs
        let shapes: [String: JitterModel] = [
            "uniform": .uniform(halfWidthMs: 0), "normal": .normal(sdMs: 0),
            "pareto": .pareto(sigmaMs: 0),
        ]
        let name = self.choice("jitter_distribution", ["uniform", "normal", "pareto"])
        let shape = name.flatMap { shapes[$0] } ?? base
        return shape.withScale(scale)
    }

    private mutating func outage(base: Outage?) -> Outage?? {
        let rangeEntry = self.entries["outage"]
        if let rangeEntry, Self.isNone(rangeEntry.value) { return .some(nil) }
        var range: ClosedRange<Double>?
        if let rangeEntry {
            range = DurationParser.range(rangeEntry.value)
            if range == nil || range!.lowerBound < 0 {
                self.problem(
                    rangeEntry, "\"\(rangeEntry.value)\" is not a duration or range like 300ms..800ms; allowed ≥ 0")
                return nil
            }
        }
        let every = self.duration("outage_every", allowed: "> 0", where: { $0 > 0 })
        guard range != nil || every != nil else { return nil }
        guard let range = range ?? base.map({ $0.minDurationMs...$0.maxDurationMs }) else {
            if let entry = self.entries["outage_every"] { self.problem(entry, "needs outage (a duration or min..max)") }
            return nil
        }
        guard let interval = every ?? base?.intervalMs else {
            if let rangeEntry { self.problem(rangeEntry, "needs outage_every (how often the outage repeats)") }
            return nil
        }
        return .some(Outage(intervalMs: interval, minDurationMs: range.lowerBound, maxDurationMs: range.upperBound))
    }

    // MARK: - Values

    /// A percentage 0–100 (`3%`, `3 %` or `3`).
    private mutating func percent(_ field: String) -> Double? {
        guard let entry = self.entries[field] else { return nil }
        var text = entry.value.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("%") { text = String(text.dropLast()).trimmingCharacters(in: .whitespaces) }
        guard let value = Double(text), value.isFinite else {
            self.problem(entry, "\"\(entry.value)\" is not a percentage like 3%; allowed 0–100 %")
            return nil
        }
        guard (0...100).contains(value) else {
            self.problem(entry, "\(entry.value) is out of range; allowed 0–100 %")
            return nil
        }
        return value
    }

    /// A fraction 0–1, written `0.25` or `25%`.
    private mutating func fraction(_ field: String) -> Double? {
        guard let entry = self.entries[field] else { return nil }
        let text = entry.value.trimmingCharacters(in: .whitespaces)
        let isPercent = text.hasSuffix("%")
        let number = Double(isPercent ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text)
        guard let number, number.isFinite else {
            self.problem(entry, "\"\(entry.value)\" is not a number like 0.25 or 25%; allowed 0–1")
            return nil
        }
        let value = isPercent ? number / 100 : number
        guard (0...1).contains(value) else {
            self.problem(entry, "\(entry.value) is out of range; allowed 0–1")
            return nil
        }
        return value
    }

    /// A plain number checked by `valid`.
    private mutating func number(_ field: String, allowed: String, where valid: (Double) -> Bool) -> Double? {
        guard let entry = self.entries[field] else { return nil }
        guard let value = Double(entry.value.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            self.problem(entry, "\"\(entry.value)\" is not a number; allowed \(allowed)")
            return nil
        }
        guard valid(value) else {
            self.problem(entry, "\(entry.value) is out of range; allowed \(allowed)")
            return nil
        }
        return value
    }

    /// A duration with a unit (`40ms`, `1.5s`), in milliseconds, checked by `valid`.
    private mutating func duration(_ field: String, allowed: String, where valid: (Double) -> Bool) -> Double? {
        guard let entry = self.entries[field] else { return nil }
        guard let ms = DurationParser.milliseconds(entry.value) else {
            self.problem(
                entry, "\"\(entry.value)\" is not a duration with a unit like 40ms or 1.5s; allowed \(allowed)")
            return nil
        }
        guard valid(ms) else {
            self.problem(entry, "\(entry.value) is out of range; allowed \(allowed)")
            return nil
        }
        return ms
    }

    /// A bit rate in kbit/s; `.some(nil)` for `none`.
    private mutating func rate() -> Double?? {
        guard let entry = self.entries["rate"] else { return nil }
        if Self.isNone(entry.value) { return .some(nil) }
        guard let kbps = Self.kilobits(entry.value) else {
            self.problem(entry, "\"\(entry.value)\" is not a rate like 500kbit or 2mbit; allowed > 0")
            return nil
        }
        guard kbps > 0 else {
            self.problem(entry, "\(entry.value) is out of range; allowed > 0")
            return nil
        }
        return .some(kbps)
    }

    private mutating func bool(_ field: String) -> Bool? {
        guard let entry = self.entries[field] else { return nil }
        switch entry.value.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            self.problem(entry, "\"\(entry.value)\" is not a boolean; allowed true or false")
            return nil
        }
    }

    private mutating func choice(_ field: String, _ allowed: [String]) -> String? {
        guard let entry = self.entries[field] else { return nil }
        let value = entry.value.trimmingCharacters(in: .whitespaces).lowercased()
        guard allowed.contains(value) else {
            self.problem(entry, "\"\(entry.value)\" is not allowed; allowed \(allowed.joined(separator: ", "))")
            return nil
        }
        return value
    }

    private mutating func problem(_ entry: ProfileEntry, _ message: String) {
        self.problems.append(NetworkProfileProblem(key: entry.key, message: message))
    }

    private static func isNone(_ text: String) -> Bool {
        ["none", "off", "unlimited"].contains(text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// `500kbit`, `2mbit`, `1gbit`, `64000bit`, with optional `/s`; `kbps`/`mbps`/`gbps` are read as bits too.
    static func kilobits(_ text: String) -> Double? {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        if s.hasSuffix("/s") { s = String(s.dropLast(2)) }
        let units: [(String, Double)] = [
            ("gbit", 1_000_000), ("mbit", 1000), ("kbit", 1), ("bit", 0.001),
            ("gbps", 1_000_000), ("mbps", 1000), ("kbps", 1), ("bps", 0.001),
        ]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite else { return nil }
            return value * scale
        }
        return nil
    }
}
