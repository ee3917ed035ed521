import ChorusCore
import Foundation

/// The run's aggregates and gates as one JSON document (`summary.json`), for dashboards and scripts.
///
/// Keys are snake_case; latencies are milliseconds, rates percent; a statistic with no data is left out.
public enum JSONSummary {
    /// The JSON text of `report`'s summary, pretty-printed with sorted keys.
    public static func render(_ report: RunReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let document = Document(
            run: RunPart(report.run), overall: AggregatesPart(report.overall),
            cells: report.cellKeys.compactMap { key in
                report.cells[key].map { CellPart(cell: key, aggregates: AggregatesPart($0)) }
            },
            gates: report.gates)
        do {
            return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
        } catch {
            throw ReportError("cannot encode the JSON summary of run \(report.run.id): \(error)")
        }
    }

    private struct Document: Encodable {
        var run: RunPart
        var overall: AggregatesPart
        var cells: [CellPart]
        var gates: [GateResult]
    }

    private struct RunPart: Encodable {
        var id, name, status, startedAt, harnessVersion, host: String
        var endedAt, invalidReason, gitCommit: String?
        var valid: Bool

        init(_ run: RunInfo) {
            self.id = run.id
            self.name = run.name
            self.status = run.status.rawValue
            self.startedAt = run.startedAt
            self.endedAt = run.endedAt
            self.valid = run.valid
            self.invalidReason = run.invalidReason
            self.harnessVersion = run.harnessVersion
            self.host = run.host
            self.gitCommit = run.gitCommit
        }
    }

    private struct CellPart: Encodable {
        var cell: CellKey
        var aggregates: AggregatesPart
    }

    private struct AggregatesPart: Encodable {
        var sessions, turns, attemptedTurns, okTurns, errorTurns, stallCount, implausibleTurns, lateAudioTurns: Int
        var lateAudioMs: Double
        var errorRatePct, okRatePct, stallsPerMin, stalledTurnsPct: Double?
        var turnOutcomes, sessionOutcomes: [String: Int]
        var ttfaMs, ttfaAudibleMs, voiceToVoiceMs, responseMs, connectMs: LatencySummary
        /// Scripted interruptions; their numbers are left out when the run had none.
        var bargeinCount: Int
        var bargeinMissed: Int?
        var bargeinMissedRatePct: Double?
        var bargeinMs, leakedAudioMs: LatencySummary?

        init(_ a: RunAggregates) {
            self.sessions = a.sessionCount
            self.turns = a.turnCount
            self.attemptedTurns = a.attemptedTurns
            self.okTurns = a.okTurns
            self.errorTurns = a.errorTurns
            self.stallCount = a.stallCount
            self.implausibleTurns = a.implausibleTurns
            self.lateAudioTurns = a.lateAudioTurns
            self.lateAudioMs = a.lateAudioMs
            self.errorRatePct = a.errorRatePct
            self.okRatePct = a.okRatePct
            self.stallsPerMin = a.stallsPerMinute
            self.stalledTurnsPct = a.stalledTurnsPct
            self.turnOutcomes = Dictionary(uniqueKeysWithValues: a.turnOutcomes.map { ($0.key.rawValue, $0.value) })
            self.sessionOutcomes = Dictionary(
                uniqueKeysWithValues: a.sessionOutcomes.map { ($0.key.rawValue, $0.value) })
            self.ttfaMs = a.ttfa
            self.ttfaAudibleMs = a.ttfaAudible
            self.voiceToVoiceMs = a.voiceToVoice
            self.responseMs = a.response
            self.connectMs = a.connect
            self.bargeinCount = a.bargeIns
            if a.bargeIns > 0 {
                self.bargeinMissed = a.bargeInsMissed
                self.bargeinMissedRatePct = a.bargeInMissedRatePct
                self.bargeinMs = a.bargeIn
                self.leakedAudioMs = a.leakedAudio
            }
        }
    }
}
