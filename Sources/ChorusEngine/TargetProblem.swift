/// A target that cannot be built: an unset environment variable, an unreadable file, an address that does not
/// resolve, audio that cannot be encoded. The description names the scenario file and the key.
public struct TargetProblem: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
