import ChorusCore

/// The `thresholds:` section: fixed limits for the run and its cells, and the baseline comparison.
///
/// ```yaml
/// thresholds:
///   ttfa.p95: "< 900ms"                    # the whole run
///   ttfa.p50: {limit: "< 600ms", regression: "10%"}   # a limit and a baseline gate at once
///   mos.p05: "> 3.5"
///   baseline:                              # compared with a baseline run by `chorus gate`
///     against: latest-passing              # the default for `--baseline`
///     ttfa.p95: {regression: "10%"}        # or "40ms", "25ms, 5%", or {} for max(25 ms, 5 %)
///   cells:
///     websocket/very-bad: {ttfa.p95: "< 1500ms"}   # transport/profile, or a profile for all its transports
/// ```
extension ScenarioValidator {
    mutating func readThresholds(_ node: ScenarioNode, into s: inout Scenario) {
        guard case .mapping(let entries, _) = node else {
            self.problem(node, "thresholds", "expected a mapping like `ttfa.p95: \"< 900ms\"`")
            return
        }
        var rules: [RegressionRule] = []
        var against: String?
        for entry in entries {
            switch entry.key {
            case "baseline": self.readBaseline(entry.value, rules: &rules, against: &against)
            case "cells": s.thresholds += self.readCells(entry.value, scenario: s)
            default:
                let key = "thresholds.\(entry.key)"
                if case .mapping(let fields, _) = entry.value {
                    for field in fields where !["limit", "regression"].contains(field.key) {
                        self.problem(line: field.line, "\(key).\(field.key)", "unknown key; expected limit or regression")
                    }
                    if let limit = entry.value["limit"] { s.thresholds += self.threshold(entry.key, limit, key: "\(key).limit") }
                    if let tolerance = entry.value["regression"] {
                        rules += self.regression(entry.key, tolerance, key: "\(key).regression")
                    }
                } else {
                    s.thresholds += self.threshold(entry.key, entry.value, key: key)
                }
            }
        }
        if !rules.isEmpty || against != nil {
            s.baseline = BaselinePlan(against: against, rules: rules.isEmpty ? BaselinePlan.standard.rules : rules)
        }
    }

    /// One fixed limit, `"< 900ms"`.
    private mutating func threshold(_ metric: String, _ node: ScenarioNode, key: String, cell: String? = nil)
        -> [Threshold]
    {
        guard let rule = self.string(node, key) else { return [] }
        switch Threshold.parse(metric: metric, rule: rule, cell: cell) {
        case .success(let t): return [t]
        case .failure(let e):
            self.problem(node, key, e.description)
            return []
        }
    }

    /// `thresholds.baseline`: `against:` and one entry per metric, or a list of metrics.
    private mutating func readBaseline(_ node: ScenarioNode, rules: inout [RegressionRule], against: inout String?) {
        switch node {
        case .sequence(let items, _):
            for (i, item) in items.enumerated() {
                guard let metric = self.string(item, "thresholds.baseline[\(i)]") else { continue }
                rules += self.regression(metric, nil, key: "thresholds.baseline[\(i)]")
            }
        case .mapping(let entries, _):
            for entry in entries {
                let key = "thresholds.baseline.\(entry.key)"
                if entry.key == "against" {
                    against = self.string(entry.value, key)
                    if against?.isEmpty == true { self.problem(entry.value, key, "expected latest-passing, a tag or a run id") }
                    continue
                }
                switch entry.value {
                case .mapping(let fields, _):
                    for field in fields where field.key != "regression" {
                        self.problem(line: field.line, "\(key).\(field.key)", "unknown key; expected regression")
                    }
                    rules += self.regression(entry.key, entry.value["regression"], key: "\(key).regression")
                case .scalar(let text, _) where text.isEmpty || text == "~" || text == "null":
                    rules += self.regression(entry.key, nil, key: key)
                default:
                    rules += self.regression(entry.key, entry.value, key: key)
                }
            }
        default:
            self.problem(node, "thresholds.baseline", "expected a mapping like `ttfa.p95: {regression: \"10%\"}`")
        }
    }

    /// A baseline gate of `metric` tolerating `node` (the default tolerance when nil).
    private mutating func regression(_ metric: String, _ node: ScenarioNode?, key: String) -> [RegressionRule] {
        let parsed: GateMetric
        switch GateMetric.parse(metric) {
        case .success(let m): parsed = m
        case .failure(let e):
            self.problem(line: node?.line, key, e.description)
            return []
        }
        guard parsed.comparableWithBaseline else {
            self.problem(
                line: node?.line, key,
                "\(metric) cannot be compared with a baseline (percentiles, means and rates can: ttfa.p95, mos.p05, errors.rate)")
            return []
        }
        guard let node else { return [RegressionRule(metric: metric, tolerance: .standard(for: parsed.unit))] }
        guard let text = self.string(node, key) else { return [] }
        guard let tolerance = RegressionRule.Tolerance.parse(text, unit: parsed.unit) else {
            let example = parsed.unit == .milliseconds ? "\"10%\", \"40ms\" or \"25ms, 5%\"" : "\"10%\", \"0.5\" or \"0.5, 10%\""
            self.problem(node, key, "'\(text)' is not a tolerance (expected \(example))")
            return []
        }
        return [RegressionRule(metric: metric, tolerance: tolerance)]
    }

    /// `thresholds.cells`: a mapping of cell names to fixed limits.
    private mutating func readCells(_ node: ScenarioNode, scenario s: Scenario) -> [Threshold] {
        guard case .mapping(let cells, _) = node else {
            self.problem(node, "thresholds.cells", "expected a mapping like `websocket/very-bad: {ttfa.p95: \"< 1500ms\"}`")
            return []
        }
        let names = s.transports.flatMap { t in s.network.map { "\(t.rawValue)/\($0.name)" } }
        let profiles = Set(s.network.map(\.name))
        var thresholds: [Threshold] = []
        for cell in cells {
            let key = "thresholds.cells.\(cell.key)"
            if !names.contains(cell.key) && !profiles.contains(cell.key) {
                self.problem(
                    line: cell.line, key,
                    "no such cell in this scenario (expected transport/profile: \(names.joined(separator: ", ")), or a profile name)")
                continue
            }
            guard case .mapping(let rules, _) = cell.value else {
                self.problem(cell.value, key, "expected a mapping like `ttfa.p95: \"< 1500ms\"`")
                continue
            }
            for rule in rules {
                if case .mapping = rule.value {
                    self.problem(
                        rule.value, "\(key).\(rule.key)",
                        "expected a rule like \"< 1500ms\"; baseline gates apply to every cell (put them under thresholds.baseline)")
                    continue
                }
                thresholds += self.threshold(rule.key, rule.value, key: "\(key).\(rule.key)", cell: cell.key)
            }
        }
        return thresholds
    }
}
