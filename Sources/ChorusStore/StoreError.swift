/// A fault of the results database: it could not be opened, written or read, or it held something unexpected.
///
/// Failed calls are never `StoreError`s; they are rows with an outcome. This is for the harness itself.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of fault, to switch on.
    public enum Code: String, Sendable {
        /// The file could not be created, opened or migrated.
        case open
        /// A write failed; nothing of that transaction was stored.
        case write
        /// A read failed.
        case read
        /// No run has the given id.
        case runNotFound
        /// A run id prefix matched several runs.
        case ambiguousRunId
        /// A stored value could not be understood (an unknown outcome word, say).
        case corrupt
        /// A tag name is reserved or malformed.
        case invalidTag
    }

    /// What kind of fault.
    public var code: Code
    /// What went wrong, for a human: names the file or the run and the underlying cause.
    public var detail: String

    /// A fault of `code` described by `detail`.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The human message.
    public var description: String { self.detail }
}
