/// A report could not be written: the output directory or a file could not be created, or a format is unknown.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the file or format.
    public var description: String

    /// An error described by `description`.
    public init(_ description: String) {
        self.description = description
    }
}
