import ChorusEngine
import Foundation

/// The one-line live display on a terminal: active callers, turns done, TTFA so far, errors.
struct ProgressLine {
    let isTTY = isatty(STDOUT_FILENO) == 1

    func show(_ p: RunProgress.Snapshot, active: Int, elapsedS: Double) {
        guard self.isTTY else { return }
        func ms(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "–" }
        let line = String(
            format: "\r\u{1B}[2K  %5.0fs  active %d  turns %d (ok %d)  TTFA p50 %@ ms  p95 %@ ms  errors %d",
            elapsedS, active, p.turnsDone, p.turnsOk, ms(p.ttfaP50), ms(p.ttfaP95), p.errors)
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    func clear() {
        guard self.isTTY else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
    }
}
