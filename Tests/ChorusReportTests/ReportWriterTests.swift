import ChorusCore
import ChorusReport
import ChorusStore
import Foundation
import Testing

@Suite("Report files")
struct ReportWriterTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("chorus-report-tests-\(UUID().uuidString)")
    }

    @Test func loadsFromTheStoreAndWritesEveryFormat() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultStore(path: directory.appendingPathComponent("chorus.sqlite").path)
        let built = ReportFixtures.report(cells: ["clean", "lossy"])
        try store.insertRun(built.run)
        try store.insertSessions(built.sessions, runId: built.run.id)
        try store.insertSamples(built.samples, runId: built.run.id)
        let loaded = try RunReport.load(store: store, runId: built.run.id)
        #expect(loaded.sessions == built.sessions)
        #expect(loaded.overall == built.overall)
        #expect(loaded.samples == built.samples)

        let out = directory.appendingPathComponent("out/report").path
        let paths = try ReportWriter.write(loaded, to: out, formats: ["html", "csv", "json"])
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent }
            == ["report.html", "turns.csv", "sessions.csv", "summary.csv", "summary.json"])
        for path in paths { #expect(FileManager.default.fileExists(atPath: path)) }
        let json = try String(contentsOfFile: paths[4], encoding: .utf8)
        #expect(json.contains("\"error_rate_pct\" : 10"))
    }

    @Test func unknownRunsAndFormatsAreErrorsWithMessages() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultStore(path: directory.appendingPathComponent("chorus.sqlite").path)
        let missing = #expect(throws: StoreError.self) { try RunReport.load(store: store, runId: "nope") }
        #expect(missing?.code == .runNotFound)
        let format = #expect(throws: ReportError.self) {
            try ReportWriter.write(ReportFixtures.report(), to: directory.path, formats: ["html", "pdf"])
        }
        #expect(format?.description.contains("'pdf'") == true)
    }
}
