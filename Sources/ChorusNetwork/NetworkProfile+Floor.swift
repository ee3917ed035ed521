extension JitterModel {
    /// The most negative offset the model can draw, milliseconds (it is added to the base delay).
    public var minimumOffsetMs: Double {
        switch self {
        case .none: return 0
        case .uniform(let halfWidthMs): return -halfWidthMs
        // Clipped at netem's table limit, 32767 / 8192 σ.
        case .normal(let sdMs): return -sdMs * 32767 / 8192
        // σ·(4/3)·(u^(−1/3) − 1.5) is smallest at u → 0.
        case .pareto(let sigmaMs): return -sigmaMs * 2 / 3
        }
    }
}

extension NetworkProfile {
    /// The smallest delay this direction can give a packet or message, milliseconds: the base delay less the
    /// largest negative jitter, never below zero. Over datagrams a reordered packet skips the delay altogether.
    public func minimumOneWayDelayMs(datagrams: Bool) -> Double {
        if datagrams && self.reorderRate > 0 { return 0 }
        return max(0, self.delayMs + self.jitter.minimumOffsetMs)
    }
}

extension LinkProfile {
    /// The smallest time-to-first-audio the link allows whatever the agent does: its smallest one-way delay up plus
    /// its smallest one-way delay down, milliseconds. A measured TTFA below it is impossible (a harness bug).
    /// - Parameter datagrams: true for RTP/UDP (reordering can skip the delay), false for a TCP stream.
    public func ttfaFloorMs(datagrams: Bool) -> Double {
        self.up.minimumOneWayDelayMs(datagrams: datagrams) + self.down.minimumOneWayDelayMs(datagrams: datagrams)
    }
}

extension LinkProfile {
    /// True when neither direction changes anything.
    public var isClean: Bool { self.up.isClean && self.down.isClean }
}
