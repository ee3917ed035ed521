/// The harness's version, stored with every run.
enum ChorusVersion {
    static let string = "0.1.0"
    /// Set at build time when known; runs record it so results can be traced to code.
    static let gitCommit: String? = nil
}
