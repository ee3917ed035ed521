import ChorusCore

/// A gate report as JUnit XML, the shape Jenkins, GitLab and GitHub test reporters read (Ant's
/// `XMLJUnitResultFormatter`): one `testsuite` per gated run, one `testcase` per gate and cell.
///
/// A failed or inconclusive gate is a `failure` (type `regression`, `threshold` or `inconclusive`) whose text gives
/// the observed value, the threshold, the baseline, the interval and the p-value. A run that is invalid or did not
/// complete adds a failing `run` testcase, so it can never read as a pass.
public enum JUnitReport {
    /// The XML document, UTF-8, ending with a line break.
    public static func render(_ report: GateReport) -> String {
        var cases: [String] = []
        for problem in report.runProblems {
            cases.append(Self.testcase(name: "run is valid and complete", classname: "chorus.run", failure: ("run", problem, problem)))
        }
        for gate in report.gates {
            let failure: (String, String, String)?
            switch gate.verdict {
            case .pass: failure = nil
            case .fail:
                failure = (gate.kind == .baseline ? "regression" : "threshold", GateReport.headline(gate), GateReport.explanation(gate))
            case .inconclusive: failure = ("inconclusive", GateReport.headline(gate), GateReport.explanation(gate))
            }
            cases.append(Self.testcase(
                name: GateReport.title(gate), classname: "chorus.\(gate.kind.rawValue).\(gate.cellLabel)", failure: failure,
                output: failure == nil ? GateReport.explanation(gate) : nil))
        }
        let tests = cases.count
        let failures = report.runProblems.count + report.failures.count
        var properties = [("run_id", report.run.id), ("scenario", report.run.name), ("verdict", report.verdict.rawValue)]
        if let b = report.baseline { properties.append(("baseline_run_id", b.id)) }
        if let source = report.baselineSource { properties.append(("baseline_db", source)) }
        properties += [
            ("bootstrap_resamples", String(report.method.resamples)), ("confidence", Fixed.trimmed(report.method.confidence, 4)),
            ("seed", String(report.method.seed)),
        ]
        let counts = "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"0\""
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"chorus gate\" \(counts)>\n"
        xml += "  <testsuite name=\"chorus gate \(Self.escape(report.run.name))\" package=\"chorus\" id=\"0\" \(counts)"
        xml += " timestamp=\"\(Self.escape(Self.timestamp(report.run.startedAt)))\" hostname=\"\(Self.escape(report.run.host))\">\n"
        xml += "    <properties>\n"
        for (name, value) in properties {
            xml += "      <property name=\"\(Self.escape(name))\" value=\"\(Self.escape(value))\"/>\n"
        }
        xml += "    </properties>\n"
        xml += cases.joined()
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    private static func testcase(
        name: String, classname: String, failure: (type: String, message: String, text: String)?, output: String? = nil
    ) -> String {
        var xml = "    <testcase name=\"\(Self.escape(name))\" classname=\"\(Self.escape(classname))\" time=\"0\""
        guard failure != nil || output != nil else { return xml + "/>\n" }
        xml += ">\n"
        if let failure {
            xml += "      <failure type=\"\(Self.escape(failure.type))\" message=\"\(Self.escape(failure.message))\">"
            xml += Self.escape(failure.text) + "</failure>\n"
        }
        if let output { xml += "      <system-out>\(Self.escape(output))</system-out>\n" }
        return xml + "    </testcase>\n"
    }

    /// ISO 8601 as XML Schema's `dateTime` wants it (a `Z` or offset is allowed; a space is not).
    private static func timestamp(_ iso: String) -> String {
        iso.replacingOccurrences(of: " ", with: "T")
    }

    /// Text safe in an attribute or element: the five XML entities escaped, characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
