/// One `a=` line as written: its name and, for `a=name:value` lines, the value (property attributes such as
/// `a=rtcp-mux` have none).
public struct SDPAttribute: Sendable, Hashable {
    /// The name before the colon, as written.
    public var name: String
    /// The text after the first colon, trimmed; nil for a property attribute.
    public var value: String?

    /// An attribute named `name` with `value`.
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }
}
