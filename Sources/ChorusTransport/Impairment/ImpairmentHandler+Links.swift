import ChorusNetwork

extension ImpairmentHandler {
    /// Both directions of a WebSocket's TCP connection under `profile`: the stream models the WebSocket caller
    /// has always used (its seeds, `rttMs` = max(1, `profile.baseRTTMs`)).
    static func stream(
        profile: LinkProfile, runSeed: UInt64, callerIndex: Int, tap: LinkTap, scheduler: DelayScheduler
    ) -> ImpairmentHandler {
        let rttMs = max(1, profile.baseRTTMs)
        let seed = runSeed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: callerIndex)
        return ImpairmentHandler(
            up: .stream(TCPStreamModel(profile: profile.up, seed: seed, rttMs: rttMs)),
            down: .stream(TCPStreamModel(profile: profile.down, seed: seed &+ 1, rttMs: rttMs)),
            tap: tap, scheduler: scheduler)
    }

    /// Both directions of a UDP link under `profile`: `LinkImpairment(profile:runSeed:callerIndex:)`, as the RTP
    /// caller has always used.
    static func datagram(
        profile: LinkProfile, runSeed: UInt64, callerIndex: Int, tap: LinkTap, scheduler: DelayScheduler
    ) -> ImpairmentHandler {
        let link = LinkImpairment(profile: profile, runSeed: runSeed, callerIndex: callerIndex)
        return ImpairmentHandler(up: .datagram(link.up), down: .datagram(link.down), tap: tap, scheduler: scheduler)
    }
}
