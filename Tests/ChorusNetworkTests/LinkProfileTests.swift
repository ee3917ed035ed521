import ChorusNetwork
import Foundation
import Testing

@Suite("Built-in network profiles")
struct BuiltInProfileTests {
    @Test func everyBuiltInIsNamedCitedAndValid() {
        let names = LinkProfile.builtInNames
        #expect(
            names == [
                "clean", "wifi", "wifi-congested", "4g", "3g", "edge", "satellite", "very-bad", "cellular-handover",
            ])
        for profile in LinkProfile.builtIn {
            #expect(!profile.source.isEmpty && !profile.description.isEmpty)
            #expect(profile.problems().isEmpty, "\(profile.name): \(profile.problems())")
            #expect(LinkProfile.named(profile.name) == profile)
        }
        #expect(LinkProfile.named("WIFI") == .wifi)
        #expect(LinkProfile.named("5g") == nil)
    }

    @Test func numbersComeFromTheMethodologyTables() {
        #expect(LinkProfile.threeG.down.rateKbps == 780 && LinkProfile.threeG.up.rateKbps == 330)
        #expect(LinkProfile.threeG.up.delayMs == 100 && LinkProfile.threeG.down.loss == .none)
        #expect(LinkProfile.edge.up.delayMs == 440 && LinkProfile.edge.down.delayMs == 400)
        #expect(LinkProfile.veryBad.up.loss == .bernoulli(rate: 0.1) && LinkProfile.veryBad.down.delayMs == 500)
        #expect(LinkProfile.fourG.down.rateKbps == 100_000 && LinkProfile.fourG.up.loss.meanLossRate == 0.002)
        #expect(
            abs(LinkProfile.wifi.up.loss.meanLossRate - 0.01) < 1e-12 && LinkProfile.wifi.up.loss.meanBadSojourn == 2)
        #expect(abs(LinkProfile.wifiCongested.down.loss.meanLossRate - 0.03) < 1e-12)
        #expect(LinkProfile.satellite.baseRTTMs == 1_200)
        #expect(LinkProfile.clean.up.isClean && LinkProfile.clean.down.isClean)
    }

    @Test func profilesSurviveAJSONRoundTrip() throws {
        let data = try JSONEncoder().encode(LinkProfile.builtIn)
        #expect(try JSONDecoder().decode([LinkProfile].self, from: data) == LinkProfile.builtIn)
    }
}

@Suite("Custom network profiles")
struct CustomProfileTests {
    private func parse(_ fields: [String: String]) -> Result<LinkProfile, NetworkProfileError> {
        LinkProfile.parse(name: "custom", fields: fields)
    }

    @Test func happyPathReadsEveryKey() throws {
        let profile = try self.parse([
            "description": "hotel wifi", "source": "measured 2025-01", "loss": "3%", "burst": "2", "delay": "40ms",
            "jitter": "5ms", "jitter_distribution": "normal", "correlation": "25%", "reorder": "1%",
            "duplicate": "0.5 %", "rate": "2mbit", "queue": "200ms", "up.delay": "60ms", "down.rate": "500kbit",
            "allow_reordering": "false", "outage": "300ms..800ms", "outage_every": "1m",
        ]).get()
        #expect(profile.name == "custom" && profile.description == "hotel wifi" && profile.source == "measured 2025-01")
        #expect(profile.up.delayMs == 60 && profile.down.delayMs == 40)
        #expect(profile.up.rateKbps == 2_000 && profile.down.rateKbps == 500 && profile.up.queueMs == 200)
        #expect(profile.up.loss == .gilbertElliott(lossRate: 0.03, meanBurst: 2))
        #expect(profile.up.jitter == .normal(sdMs: 5) && profile.up.correlation == 0.25)
        #expect(profile.up.reorderRate == 0.01 && profile.up.duplicateRate == 0.005 && !profile.up.allowsReordering)
        #expect(profile.down.outage == Outage(intervalMs: 60_000, minDurationMs: 300, maxDurationMs: 800))
    }

    @Test func prefixedKeysOverrideWhateverTheOrderAndBaseFillsTheRest() throws {
        let profile = try self.parse(["base": "4g", "loss": "1%", "up.loss": "2%", "jitter": "1.5s"]).get()
        #expect(profile.up.loss == .bernoulli(rate: 0.02) && profile.down.loss == .bernoulli(rate: 0.01))
        #expect(profile.up.rateKbps == 50_000 && profile.down.rateKbps == 100_000 && profile.up.delayMs == 45)
        #expect(profile.up.jitter == .uniform(halfWidthMs: 1_500))
        let bursty = try self.parse(["base": "wifi", "loss": "4%"]).get()
        #expect(bursty.up.loss == .gilbertElliott(lossRate: 0.04, meanBurst: 2))
        let unlimited = try self.parse(["base": "3g", "rate": "none"]).get()
        #expect(unlimited.up.rateKbps == nil)
    }

    @Test(arguments: [
        ("500kbit", 500.0), ("2mbit", 2_000), ("1.5mbps", 1_500), ("64000bit/s", 64), ("1gbit", 1_000_000),
        ("256 kbit", 256),
    ])
    func ratesParseInKilobits(text: String, kbps: Double) throws {
        #expect(try self.parse(["rate": text]).get().up.rateKbps == kbps)
    }

    @Test(arguments: [
        (["loss": "120%"], "loss", "0–100 %"),
        (["up.loss": "-1%"], "up.loss", "0–100 %"),
        (["loss": "lots"], "loss", "0–100 %"),
        (["delay": "-5ms"], "delay", "≥ 0"),
        (["delay": "40"], "delay", "unit"),
        (["jitter": "-1ms"], "jitter", "≥ 0"),
        (["rate": "0kbit"], "rate", "> 0"),
        (["rate": "fast"], "rate", "500kbit"),
        (["loss": "2%", "burst": "0.5"], "burst", "≥ 1"),
        (["correlation": "1.5"], "correlation", "0–1"),
        (["reorder": "101%"], "reorder", "0–100 %"),
        (["jitter_distribution": "cauchy"], "jitter_distribution", "uniform, normal, pareto"),
        (["wobble": "3"], "wobble", "unknown key"),
        (["sideways.loss": "3%"], "sideways.loss", "unknown key"),
        (["base": "5g"], "base", "unknown profile"),
        (["queue": "100ms"], "queue", "rate"),
        (["outage": "500ms"], "outage", "outage_every"),
        (["loss": "3%", "loss_model": "bernoulli", "burst": "3"], "burst", "gilbert-elliott"),
        (["loss": "100%", "burst": "3"], "loss", "below 100 %"),
        (["allow_reordering": "maybe"], "allow_reordering", "true or false"),
    ])
    func sadRowsNameTheKeyAndTheAllowedRange(fields: [String: String], key: String, fragment: String) {
        guard case .failure(let error) = self.parse(fields) else {
            Issue.record("\(fields) should not parse")
            return
        }
        #expect(error.problems.contains { $0.key == key && $0.message.contains(fragment) }, "\(error)")
    }

    @Test func everyProblemIsReportedAtOnce() {
        guard case .failure(let error) = self.parse(["loss": "120%", "delay": "-1ms", "down.rate": "0mbit"]) else {
            Issue.record("should not parse")
            return
        }
        #expect(error.problems.map(\.key) == ["delay", "down.rate", "loss"])
        #expect(error.description.hasPrefix("network profile \"custom\": delay:"))
    }
}
