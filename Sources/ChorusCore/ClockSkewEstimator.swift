/// The sender's media clock against the receiver's, in parts per million, from when media arrives against the media
/// time it carries (RTP timestamps, or counted samples).
///
/// Per frame it keeps only the smallest one-way transit `arrival − media time` of the current window (the lower
/// envelope: queueing and scheduling only ever add delay), in a fixed number of windows allocated up front; when they
/// are full, neighbouring windows merge and the window doubles, so an hour-long session costs the same memory as a
/// minute. At the end, a Theil–Sen line through the window minima gives the skew: transit that shrinks over time
/// means the sender's clock runs fast (positive ppm). Moon, Skelly and Towsley (1999) fit the same envelope by
/// linear programming; the robust line tolerates a few windows without an on-time frame.
///
/// Media time may restart (a WebSocket reply's samples count from zero): `startSegment()` gives the following
/// frames their own unknown offset, and only pairs of windows within one segment vote on the slope.
public struct ClockSkewEstimator: Sendable {
    /// Windows kept; reaching it merges pairs.
    public let capacity: Int
    /// The window's length now (it doubles at every merge).
    public private(set) var windowNs: Int64
    private var times: [Int64]
    private var transits: [Int64]
    private var segments: [Int32]
    private var count = 0
    private var segment: Int32 = 0
    /// Where the current window began; nil before the first frame of a segment.
    private var windowStartNs: Int64?
    private var minTransitNs: Int64 = .max
    private var minArrivalNs: Int64 = 0
    private var firstArrivalNs: Int64?
    private var lastArrivalNs: Int64 = 0

    /// - Parameters:
    ///   - windowNs: the first window length (1 s: at least one on-time frame in each while media flows).
    ///   - capacity: windows kept (256 by default, a few kilobytes).
    public init(windowNs: Int64 = 1_000_000_000, capacity: Int = 256) {
        self.capacity = Swift.max(8, capacity & ~1)
        self.windowNs = windowNs
        self.times = [Int64](repeating: 0, count: self.capacity)
        self.transits = [Int64](repeating: 0, count: self.capacity)
        self.segments = [Int32](repeating: 0, count: self.capacity)
    }

    /// Notes a frame that arrived at `arrivalNs` carrying media time `mediaNs` (same origin within a segment).
    /// Allocates nothing.
    public mutating func record(arrivalNs: Int64, mediaNs: Int64) {
        if self.firstArrivalNs == nil { self.firstArrivalNs = arrivalNs }
        self.lastArrivalNs = arrivalNs
        if self.windowStartNs.map({ arrivalNs - $0 >= self.windowNs }) ?? true {
            self.closeWindow()
            self.windowStartNs = arrivalNs
        }
        let transit = arrivalNs - mediaNs
        if transit < self.minTransitNs {
            self.minTransitNs = transit
            self.minArrivalNs = arrivalNs
        }
    }

    /// The frames that follow carry media time from a new, unrelated origin.
    public mutating func startSegment() {
        self.closeWindow()
        self.windowStartNs = nil
        self.segment &+= 1
    }

    /// Real time between the first and last frame recorded, nanoseconds.
    public var spanNs: Int64 { self.firstArrivalNs.map { self.lastArrivalNs - $0 } ?? 0 }

    /// The skew in ppm (+ the sender's clock runs fast); nil with fewer than three windows or under `minimumSpanNs`
    /// of media, which is too little to tell tens of ppm from jitter.
    public func ppm(minimumSpanNs: Int64 = 20_000_000_000) -> Double? {
        var copy = self
        copy.closeWindow()
        guard copy.count >= 3, copy.spanNs >= minimumSpanNs, let origin = copy.firstArrivalNs else { return nil }
        let points = (0..<copy.count).map { i in
            (x: Double(copy.times[i] - origin) / 1e9, y: Double(copy.transits[i] - copy.transits[0]) / 1e3)
        }
        let groups = (0..<copy.count).map { Int(copy.segments[$0]) }
        // Transit in µs against seconds: the slope is µs per s, i.e. ppm; a shrinking transit is a fast sender.
        return TheilSen.fit(points, groups: groups).map { -$0.slope }
    }

    private mutating func closeWindow() {
        guard self.minTransitNs != .max else { return }
        if self.count == self.capacity { self.merge() }
        self.times[self.count] = self.minArrivalNs
        self.transits[self.count] = self.minTransitNs
        self.segments[self.count] = self.segment
        self.count += 1
        self.minTransitNs = .max
    }

    /// Halves the windows kept: neighbours of one segment keep the smaller transit; the window length doubles. When
    /// every window is its own segment, every other one goes.
    private mutating func merge() {
        let before = self.count
        self.merge(acrossSegments: false)
        if self.count == before { self.merge(acrossSegments: true) }
        self.windowNs *= 2
    }

    private mutating func merge(acrossSegments: Bool) {
        var kept = 0
        var i = 0
        while i < self.count {
            var pick = i
            if i + 1 < self.count, acrossSegments || self.segments[i + 1] == self.segments[i] {
                if !acrossSegments, self.transits[i + 1] < self.transits[i] { pick = i + 1 }
                i += 2
            } else {
                i += 1
            }
            self.times[kept] = self.times[pick]
            self.transits[kept] = self.transits[pick]
            self.segments[kept] = self.segments[pick]
            kept += 1
        }
        self.count = kept
    }
}
