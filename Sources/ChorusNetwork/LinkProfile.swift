/// A named network condition: one `NetworkProfile` per direction, with where its numbers come from.
public struct LinkProfile: Sendable, Codable, Hashable, Identifiable {
    /// The name scenarios use (`wifi`, `4g`, …).
    public var name: String
    /// One line saying what the profile imitates.
    public var description: String
    /// Where the numbers come from (a citation), kept in reports beside the name.
    public var source: String
    /// Caller → agent.
    public var up: NetworkProfile
    /// Agent → caller.
    public var down: NetworkProfile

    /// The profile's identity is its name.
    public var id: String { self.name }

    /// A profile with separate directions.
    public init(name: String, description: String, source: String, up: NetworkProfile, down: NetworkProfile) {
        self.name = name
        self.description = description
        self.source = source
        self.up = up
        self.down = down
    }

    /// A profile whose two directions are the same.
    public init(name: String, description: String, source: String, both: NetworkProfile) {
        self.init(name: name, description: description, source: source, up: both, down: both)
    }

    /// The profile of one direction.
    public subscript(direction: LinkDirection) -> NetworkProfile {
        get { direction == .up ? self.up : self.down }
        set {
            if direction == .up { self.up = newValue } else { self.down = newValue }
        }
    }

    /// Round-trip propagation delay (up + down base delay, without jitter or queueing), in milliseconds.
    public var baseRTTMs: Double { self.up.delayMs + self.down.delayMs }

    /// Everything wrong with either direction, each prefixed by `up.` or `down.`; empty when valid.
    public func problems() -> [String] {
        self.up.problems().map { "up.\($0)" } + self.down.problems().map { "down.\($0)" }
    }
}
