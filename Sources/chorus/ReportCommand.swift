import ArgumentParser
import ChorusReport
import ChorusStore
import Foundation

/// `chorus report`: re-render a stored run's reports from the database alone.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Render the reports of a stored run (HTML, CSV, JSON).")

    @Argument(help: "Run id, a unique prefix of one, or 'latest'.") var run = "latest"
    @Option(help: "SQLite file holding the runs.") var db = "Reports/chorus.sqlite"
    @Option(help: "Directory for the report (default Reports/<run-id>).") var out: String?
    @Option(help: "Formats: html,csv,json.") var format = "html,csv"

    func run() async throws {
        let store = try DatabaseOpener.open(self.db)
        guard let id = try store.resolveRunId(self.run) else {
            throw CLIError("no run matches '\(self.run)' in \(self.db) (see `chorus runs`)")
        }
        let report = try RunReport.load(store: store, runId: id)
        let paths = try ReportWriter.write(
            report, to: self.out ?? "Reports/\(id)", formats: Set(self.format.split(separator: ",").map(String.init)))
        print(TerminalSummary.render(report))
        for p in paths { print("wrote \(p)") }
    }
}

/// `chorus runs`: list stored runs, newest first.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the runs in a database.")

    @Option(help: "SQLite file holding the runs.") var db = "Reports/chorus.sqlite"

    func run() async throws {
        let store = try DatabaseOpener.open(self.db)
        let runs = try store.runs()
        let tags = try store.tagsByRun()
        if runs.isEmpty { print("no runs in \(self.db)") }
        for r in runs {
            let validity = r.valid ? "valid" : "INVALID"
            let tagged = tags[r.id].map { "  [\($0.joined(separator: ", "))]" } ?? ""
            print("\(r.id)  \(r.startedAt)  \(r.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(validity.padding(toLength: 8, withPad: " ", startingAt: 0)) \(r.name)\(tagged)")
        }
    }
}

/// Opens an existing database, with a clear message when it is missing.
enum DatabaseOpener {
    static func open(_ path: String) throws -> ResultStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("database \(path) does not exist (run `chorus run SCENARIO.yaml` first, or pass --db)")
        }
        do { return try ResultStore(path: path) } catch { throw CLIError("cannot open database \(path): \(error)") }
    }
}
