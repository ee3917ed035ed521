import Foundation

/// Writes a run's report files into a directory.
public enum ReportWriter {
    /// Formats `write` knows: `html` (report.html), `csv` (turns.csv, sessions.csv, summary.csv), `json` (summary.json).
    public static let knownFormats: Set<String> = ["html", "csv", "json"]

    /// Writes the files of `formats` into `directory` (created if missing), replacing older ones.
    /// - Returns: the paths written, in a stable order.
    /// - Throws: `ReportError` for an unknown format or a file that cannot be written.
    @discardableResult
    public static func write(_ report: RunReport, to directory: String, formats: Set<String> = ["html", "csv"]) throws
        -> [String]
    {
        let unknown = formats.subtracting(Self.knownFormats)
        guard unknown.isEmpty else {
            throw ReportError(
                "unknown report format \(unknown.sorted().map { "'\($0)'" }.joined(separator: ", ")) "
                    + "(expected \(Self.knownFormats.sorted().joined(separator: ", ")))")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError("cannot create the report directory \(directory): \(error)")
        }
        var files: [(String, String)] = []
        if formats.contains("html") { files.append(("report.html", HTMLReport.render(report))) }
        if formats.contains("csv") {
            files.append(("turns.csv", CSVExport.turns(report)))
            files.append(("sessions.csv", CSVExport.sessions(report)))
            files.append(("summary.csv", CSVExport.summary(report)))
        }
        if formats.contains("json") { files.append(("summary.json", try JSONSummary.render(report))) }
        return try files.map { name, text in
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ReportError("cannot write \(path): \(error)")
            }
            return path
        }
    }
}
