// MARK: - Built-in profiles

extension LinkProfile {
    /// The named profiles every scenario can use, numbers from the sources in each `source` (docs/network.md §3).
    ///
    /// Listed latencies are applied per direction, as most shapers do, so the RTT is twice the
    /// listed value. Rate limits use the default 500 ms drop-tail queue.
    public static let builtIn: [LinkProfile] = [
        .clean, .wifi, .wifiCongested, .fourG, .threeG, .edge, .satellite, .veryBad, .cellularHandover,
    ]

    /// The names of the built-in profiles, in `builtIn` order.
    public static var builtInNames: [String] { Self.builtIn.map(\.name) }

    /// The built-in profile called `name` (case-insensitive), or nil.
    public static func named(_ name: String) -> LinkProfile? {
        let wanted = name.lowercased()
        return Self.builtIn.first { $0.name == wanted }
    }

    /// No impairment.
    public static let clean = LinkProfile(
        name: "clean", description: "No impairment: packets arrive the instant they are sent",
        source: "Chorus baseline (no shaping)", both: .clean)

    /// Good home Wi-Fi over the internet: mild bursty loss, small jitter.
    public static let wifi = LinkProfile(
        name: "wifi", description: "Wi-Fi, light loss: 30 Mbit/s, 40 ms, GE loss 1 % in bursts of 2, ±5 ms jitter",
        source: "testRTC \"Wifi\" (30 Mbps, 40 ms) for rate and latency; loss: light Wi-Fi "
            + "(GE 1 %, mean burst 2) [rec], instead of testRTC's 0.2 % random loss; jitter ±5 ms uniform [rec]",
        both: NetworkProfile(
            loss: .gilbertElliott(lossRate: 0.01, meanBurst: 2), delayMs: 40, jitter: .uniform(halfWidthMs: 5),
            rateKbps: 30_000))

    /// Congested Wi-Fi: more, longer loss bursts and correlated jitter.
    public static let wifiCongested = LinkProfile(
        name: "wifi-congested",
        description: "Congested Wi-Fi: 30 Mbit/s, 40 ms, GE loss 3 % in bursts of 3, normal jitter σ 15 ms (ρ 25 %)",
        source: "testRTC \"Wifi High packet loss\" (30 Mbps, 40 ms) for rate and latency; loss: "
            + "congested Wi-Fi (GE 3 %, mean burst 3) [rec], instead of testRTC's 5 % random loss; "
            + "jitter normal σ 15 ms, correlation 25 % [rec]",
        both: NetworkProfile(
            loss: .gilbertElliott(lossRate: 0.03, meanBurst: 3), delayMs: 40, jitter: .normal(sdMs: 15),
            correlation: 0.25, rateKbps: 30_000))

    /// A good LTE connection.
    public static let fourG = LinkProfile(
        name: "4g", description: "4G/LTE: 100/50 Mbit/s down/up, 45 ms, 0.2 % loss, ±5 ms down / ±15 ms up jitter",
        source: "Loadero \"4G\" network mode (100/50 Mbps, 0.2 %, 45 ms, jitter 5/15 ms, read as down/up; "
            + "uniform as netem's default)",
        up: NetworkProfile(
            loss: .bernoulli(rate: 0.002), delayMs: 45, jitter: .uniform(halfWidthMs: 15), rateKbps: 50_000),
        down: NetworkProfile(
            loss: .bernoulli(rate: 0.002), delayMs: 45, jitter: .uniform(halfWidthMs: 5), rateKbps: 100_000))

    /// Apple Network Link Conditioner's 3G preset.
    public static let threeG = LinkProfile(
        name: "3g", description: "3G: 780 kbit/s down, 330 kbit/s up, 100 ms each way, no loss",
        source: "Apple Network Link Conditioner \"3G\" (780/330 kbps, 0 %, 100 ms)",
        up: NetworkProfile(delayMs: 100, rateKbps: 330),
        down: NetworkProfile(delayMs: 100, rateKbps: 780))

    /// Apple Network Link Conditioner's Edge preset.
    public static let edge = LinkProfile(
        name: "edge", description: "EDGE: 240 kbit/s down / 400 ms, 200 kbit/s up / 440 ms, no loss",
        source: "Apple Network Link Conditioner \"Edge\" (240 kbps / 400 ms down, 200 kbps / 440 ms up, 0 %)",
        up: NetworkProfile(delayMs: 440, rateKbps: 200),
        down: NetworkProfile(delayMs: 400, rateKbps: 240))

    /// A satellite phone link.
    public static let satellite = LinkProfile(
        name: "satellite", description: "Satellite phone: 1000 kbit/s down, 256 kbit/s up, 600 ms each way",
        source: "Loadero \"Satellite phone\" network mode (1000/256 kbps, 600 ms); "
            + "600 ms applied per direction, so RTT ≈ 1.2 s",
        up: NetworkProfile(delayMs: 600, rateKbps: 256),
        down: NetworkProfile(delayMs: 600, rateKbps: 1000))

    /// Apple Network Link Conditioner's Very Bad Network preset.
    public static let veryBad = LinkProfile(
        name: "very-bad", description: "Very bad network: 1 Mbit/s, 500 ms each way, 10 % random loss",
        source: "Apple Network Link Conditioner \"Very Bad Network\" (1 Mbps, 10 %, 500 ms); "
            + "testRTC \"Very Bad Network\" uses the same numbers",
        both: NetworkProfile(loss: .bernoulli(rate: 0.10), delayMs: 500, rateKbps: 1000))

    /// 4G with handovers: bursty loss and a 300–800 ms outage every minute.
    public static let cellularHandover = LinkProfile(
        name: "cellular-handover",
        description: "4G with handovers: GE loss 5 % in bursts of 5 and a 300–800 ms outage every 60 s",
        source: "cellular handover (GE 5 %, mean burst 5, 300–800 ms outage every 60 s) [rec] "
            + "on Loadero \"4G\" rates, latency and jitter",
        up: NetworkProfile(
            loss: .gilbertElliott(lossRate: 0.05, meanBurst: 5), delayMs: 45, jitter: .uniform(halfWidthMs: 15),
            rateKbps: 50_000, outage: Outage(intervalMs: 60_000, minDurationMs: 300, maxDurationMs: 800)),
        down: NetworkProfile(
            loss: .gilbertElliott(lossRate: 0.05, meanBurst: 5), delayMs: 45, jitter: .uniform(halfWidthMs: 5),
            rateKbps: 100_000, outage: Outage(intervalMs: 60_000, minDurationMs: 300, maxDurationMs: 800)))
}
