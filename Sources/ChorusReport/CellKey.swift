import ChorusCore

/// One cell of a run's matrix: the sessions sharing a transport, dialect, codec and network profile.
public struct CellKey: Sendable, Hashable, Comparable, Codable {
    /// How bytes move: `websocket`, `rtp`, …
    public var transport: String
    /// What the bytes mean: `chorus`, `openai-realtime`, …
    public var dialect: String
    /// The audio codec, e.g. `pcm16/16000`.
    public var codec: String
    /// The network impairment profile, e.g. `clean`.
    public var networkProfile: String

    /// A cell from its four dimensions.
    public init(transport: String, dialect: String, codec: String, networkProfile: String) {
        self.transport = transport
        self.dialect = dialect
        self.codec = codec
        self.networkProfile = networkProfile
    }

    /// The cell a session belongs to.
    public init(_ session: SessionResult) {
        self.init(
            transport: session.transport, dialect: session.dialect, codec: session.codec,
            networkProfile: session.networkProfile)
    }

    /// The four dimensions in display order.
    public var dimensions: [String] { [self.transport, self.dialect, self.codec, self.networkProfile] }

    /// The name gates and `thresholds.cells` use: `transport/profile`, e.g. `websocket/very-bad`.
    public var name: String { "\(self.transport)/\(self.networkProfile)" }

    /// Whether a `thresholds.cells` key names this cell: its `name`, or its network profile alone.
    public func matches(_ selector: String) -> Bool {
        selector == self.name || selector == self.networkProfile
    }

    /// All four dimensions, as `websocket · chorus · pcm16/16000 · clean`.
    public var label: String { self.dimensions.joined(separator: " · ") }

    /// Short names for `keys` that show only the dimensions that differ between them (all four when none do).
    public static func shortLabels(_ keys: [CellKey]) -> [CellKey: String] {
        let varying = (0..<4).filter { i in Set(keys.map { $0.dimensions[i] }).count > 1 }
        let shown = varying.isEmpty ? Array(0..<4) : varying
        var labels: [CellKey: String] = [:]
        for key in keys { labels[key] = shown.map { key.dimensions[$0] }.joined(separator: " · ") }
        return labels
    }

    /// Orders cells by network profile, then transport, dialect and codec, so the transports of one profile
    /// stand side by side.
    public static func < (a: CellKey, b: CellKey) -> Bool {
        [a.networkProfile, a.transport, a.dialect, a.codec].lexicographicallyPrecedes(
            [b.networkProfile, b.transport, b.dialect, b.codec])
    }
}
