import ChorusCore
import Foundation

/// A gate report as JSON for scripts and dashboards: schema `chorus.gate`, version 1 (docs/ci.md).
///
/// Keys are snake_case; latencies are milliseconds, rates percent; a field that does not apply is absent. A new
/// field may be added within a version; a renamed or removed one bumps `schema_version`.
public enum GateJSON {
    /// The schema version written.
    public static let schemaVersion = 1

    /// The JSON text, pretty-printed with sorted keys.
    public static func render(_ report: GateReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let document = Document(
            schema: "chorus.gate", schemaVersion: Self.schemaVersion, verdict: report.verdict.rawValue,
            passed: report.passed, problems: report.runProblems, run: RunPart(report.run),
            baseline: report.baseline.map { BaselinePart($0, database: report.baselineSource) },
            method: MethodPart(
                bootstrapResamples: report.method.resamples, confidence: report.method.confidence,
                seed: report.method.seed, minimumSessions: BaselineComparison.minimumSessions),
            gates: report.gates.map(GatePart.init))
        do {
            return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
        } catch {
            throw ReportError("cannot encode the gate report of run \(report.run.id): \(error)")
        }
    }

    private struct Document: Encodable {
        var schema: String
        var schemaVersion: Int
        var verdict: String
        var passed: Bool
        var problems: [String]
        var run: RunPart
        var baseline: BaselinePart?
        var method: MethodPart
        var gates: [GatePart]
    }

    private struct RunPart: Encodable {
        var id, name, status, startedAt: String
        var valid: Bool
        var invalidReason, gitCommit: String?

        init(_ run: RunInfo) {
            self.id = run.id
            self.name = run.name
            self.status = run.status.rawValue
            self.startedAt = run.startedAt
            self.valid = run.valid
            self.invalidReason = run.invalidReason
            self.gitCommit = run.gitCommit
        }
    }

    private struct BaselinePart: Encodable {
        var id, name, startedAt: String
        var gitCommit, database: String?

        init(_ run: RunInfo, database: String?) {
            self.id = run.id
            self.name = run.name
            self.startedAt = run.startedAt
            self.gitCommit = run.gitCommit
            self.database = database
        }
    }

    private struct MethodPart: Encodable {
        var bootstrapResamples: Int
        var confidence: Double
        var seed: UInt64
        var minimumSessions: Int
        var bootstrap = "session-level (cluster) percentile bootstrap of run minus baseline"
        var test = "one-sided Mann-Whitney U, normal approximation with tie and continuity correction"
        var percentile = "Hyndman-Fan type 7"
    }

    private struct GatePart: Encodable {
        var kind, metric, cell, verdict, comparator, unit: String
        var passed: Bool
        var threshold: Double
        var observed, baselineObserved, delta, ciLow, ciHigh, pValue, tolerance: Double?
        var samples, baselineSamples, neededSamples: Int?
        var baselineRunId, note: String?

        init(_ g: GateResult) {
            self.kind = g.kind.rawValue
            self.metric = g.metric
            self.cell = g.cellLabel
            self.verdict = g.verdict.rawValue
            self.comparator = g.comparator
            self.unit = GateEvaluator.unit(of: g.metric)
            self.passed = g.passed
            self.threshold = g.threshold
            self.observed = g.observed
            self.baselineObserved = g.baselineObserved
            self.delta = g.delta
            self.ciLow = g.ciLow
            self.ciHigh = g.ciHigh
            self.pValue = g.pValue
            self.tolerance = g.tolerance
            self.samples = g.samples
            self.baselineSamples = g.baselineSamples
            self.neededSamples = g.neededSamples
            self.baselineRunId = g.baselineRunId
            self.note = g.note
        }
    }
}
