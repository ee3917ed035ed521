import ArgumentParser
import ChorusNetwork
import Foundation

/// `chorus profiles`: the built-in network profiles with their parameters and sources.
struct ProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles", abstract: "List the built-in network profiles (use them in a scenario's network: list).")

    func run() async throws {
        print("profile             dir   delay    jitter        loss (mean burst)   rate        description")
        for p in LinkProfile.builtIn {
            for (dir, n) in [("up", p.up), ("down", p.down)] {
                let name = dir == "up" ? p.name : ""
                let loss = n.loss.meanLossRate * 100
                let burst = n.loss.meanBadSojourn
                let lossText = loss == 0 ? "0 %" : String(format: "%.1f %% (%.1f)", loss, burst)
                let rate = n.rateKbps.map { String(format: "%.0f kbit/s", $0) } ?? "—"
                var line = Self.pad(name, 20) + Self.pad(dir, 6) + Self.pad("\(Int(n.delayMs)) ms", 9)
                line += Self.pad(Self.jitter(n.jitter), 14) + Self.pad(lossText, 20) + Self.pad(rate, 12)
                print(line + (dir == "up" ? p.description : ""))
            }
            print("    source: \(p.source)")
        }
        print("\nCustom profiles go under `networks:` in a scenario; see docs/network.md for every key.")
    }

    static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }

    static func jitter(_ j: JitterModel) -> String {
        switch j {
        case .none: return "—"
        case .uniform(let ms): return "±\(Int(ms)) ms unif"
        case .normal(let sd): return "σ \(Int(sd)) ms norm"
        case .pareto(let ms): return "\(Int(ms)) ms pareto"
        }
    }
}
