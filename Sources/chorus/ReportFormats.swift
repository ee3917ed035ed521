import ArgumentParser
import ChorusReport

/// The `--format` flag's value: a comma-separated list of report formats.
enum ReportFormats {
    /// The formats in `flag`.
    /// - Throws: `ValidationError` naming every unknown value and the allowed ones (exit code 2).
    static func parse(_ flag: String) throws -> Set<String> {
        let formats = Set(flag.split(separator: ",").map(String.init))
        let unknown = formats.subtracting(ReportWriter.knownFormats)
        guard unknown.isEmpty else {
            throw ValidationError(
                "--format: unknown report format \(unknown.sorted().map { "'\($0)'" }.joined(separator: ", ")) "
                    + "(expected a comma-separated list of \(ReportWriter.knownFormats.sorted().joined(separator: ", ")))")
        }
        return formats
    }
}
