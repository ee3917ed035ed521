import Foundation
import Testing

/// Loads the HTML report of a real impaired run in headless Chromium, as a person sees it at 1280 px and as it prints,
/// and leaves full-page screenshots in `.build/report-screenshots/` to look at.
@Suite("HTML report in a browser", .serialized)
struct ReportBrowserTests {
    /// Chromium on `PATH` (Debian's package `chromium`; `make test` installs it).
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    /// Under CI a missing browser fails the test instead of skipping it.
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A window the page is judged in: a screen, or a sheet of paper with the report's print rules applied.
    struct View: CustomStringConvertible {
        var name: String
        var width: Int
        var fragment: String
        var description: String { "\(self.name) (\(self.width) px)" }

        static let screen = View(name: "screen-1280", width: 1280, fragment: "")
        // A4 less Chromium's default 0.4 in margins, in CSS pixels.
        static let paper = View(name: "print-a4", width: 718, fragment: "#print")
    }

    /// What `Scripts/report-check.js` found in the page.
    struct Verdict: Decodable {
        var width: Int
        var height: Int
        var errors: [String]
        var overflows: [String]
        var charts: Int
        var emptyCharts: [String]
    }

    @Test(
        "bad-networks report: no console error, nothing wider than its card, no empty chart, on screen and on paper",
        .enabled(if: Self.chromium != nil || Self.required, "chromium is not installed (make test installs it)"),
        .timeLimit(.minutes(3)))
    func impairedRunReportFitsScreenAndPaper() throws {
        let chromium = try #require(Self.chromium, "chromium is not installed: apt-get install chromium (make test does)")
        let dir = CLITests.tempDir()
        // Every cell of the scenario (WebSocket, RTP and WebRTC under clean, 4g and very-bad), four sessions each,
        // with 12 turns per cell: enough for the tail chart.
        let run = try CLITests.chorus([
            "run", "Scenarios/bad-networks.yaml", "--db", "\(dir)/chorus.sqlite", "--out", "\(dir)/report",
            "--callers", "36", "--set", "session.turns=3", "--set", "load.ramp=2s",
            "--set", "session.think_time=200ms..300ms",
        ])
        // 1 is a failed gate or a busy machine: the report is still written, and is what is being checked.
        #expect(run.code == 0 || run.code == 1, "stdout: \(run.out)\nstderr: \(run.err)")
        let report = "\(dir)/report/report.html"
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("very-bad") && html.contains("opus/16000") && html.contains("pcm16/16000"))

        let script = try String(contentsOfFile: "\(CLITests.root)/Scripts/report-check.js", encoding: .utf8)
        let checked = "\(dir)/report/report-check.html"
        var withChecker = html
        let head = try #require(html.range(of: "<head>"))
        withChecker.replaceSubrange(head, with: "<head>\n<script>\n\(script)</script>")
        try withChecker.write(toFile: checked, atomically: true, encoding: .utf8)
        let shots = "\(CLITests.root)/.build/report-screenshots"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)

        for view in [View.screen, View.paper] {
            let verdict = try Self.check(checked, in: view, chromium: chromium, scratch: dir)
            #expect(verdict.width == view.width, "\(view)")
            #expect(verdict.errors.isEmpty, "\(view) console errors:\n\(verdict.errors.joined(separator: "\n"))")
            #expect(verdict.overflows.isEmpty, "\(view) wider than its box:\n\(verdict.overflows.joined(separator: "\n"))")
            #expect(verdict.emptyCharts.isEmpty, "\(view) empty charts:\n\(verdict.emptyCharts.joined(separator: "\n"))")
            #expect(verdict.charts >= 4, "\(view): \(verdict.charts) charts with data")
            // The screen shot is of the report itself; the paper one needs the script that applies the print rules.
            let page = view.fragment.isEmpty ? Self.url(report) : Self.url(checked) + view.fragment
            let png = "\(shots)/bad-networks-\(view.name).png"
            try? FileManager.default.removeItem(atPath: png)
            let shot = try Self.runChromium(
                chromium, ["--window-size=\(view.width),\(verdict.height)", "--screenshot=\(png)", page], scratch: dir)
            #expect(FileManager.default.fileExists(atPath: png), "\(png)\nstderr: \(shot.err.suffix(2000))")
        }
    }

    /// Loads `page` with the checker in `view`'s window and reads the verdict it left on `<html data-check>`.
    static func check(_ page: String, in view: View, chromium: String, scratch: String) throws -> Verdict {
        let result = try Self.runChromium(
            chromium, ["--window-size=\(view.width),1000", "--dump-dom", Self.url(page) + view.fragment], scratch: scratch)
        let dom = result.out
        guard let start = dom.range(of: "data-check=\""),
            let end = dom[start.upperBound...].firstIndex(of: "\""),
            let json = Data(base64Encoded: String(dom[start.upperBound..<end]))
        else {
            Issue.record("\(view): no verdict in the page (exit \(result.code))\nstderr: \(result.err.suffix(2000))")
            return Verdict(width: view.width, height: 1000, errors: [], overflows: [], charts: 0, emptyCharts: [])
        }
        return try JSONDecoder().decode(Verdict.self, from: json)
    }

    static func url(_ path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }

    /// Runs headless Chromium with its own throwaway profile; stops it if it has not finished within a minute.
    @discardableResult
    static func runChromium(_ binary: String, _ arguments: [String], scratch: String) throws -> CLITests.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--no-default-browser-check", "--user-data-dir=\(scratch)/chromium-profile",
            // Virtual time runs the page to its load event and past it without waiting in real time.
            "--virtual-time-budget=10000",
        ] + arguments
        let out = Pipe()
        let errPath = "\(scratch)/chromium-stderr.txt"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let watchdog = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        try err.close()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CLITests.Run(code: p.terminationStatus, out: String(decoding: data, as: UTF8.self), err: stderr)
    }
}
