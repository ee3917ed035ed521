/// How packets are lost on one direction of a link.
///
/// Probabilities are fractions (0–1), not percent. Gilbert–Elliott uses the classic convention: `h` and `k` are the
/// probabilities that a packet is *delivered* in the Bad and Good state, so the loss probability is `1 − h` in Bad and
/// `1 − k` in Good (netem's `loss gemodel p r 1-h 1-k` takes those loss probabilities as its 3rd and 4th arguments).
/// The simple Gilbert model, where Bad loses everything and Good nothing, is `h = 0, k = 1`.
public enum LossModel: Sendable, Codable, Hashable {
    /// Nothing is lost.
    case none
    /// Each packet is lost independently with probability `rate`.
    case bernoulli(rate: Double)
    /// A two-state Markov chain: `p` = P(Good → Bad) and `r` = P(Bad → Good) per packet;
    /// `h`/`k` = P(delivered) in Bad/Good.
    case gilbertElliott(p: Double, r: Double, h: Double, k: Double)

    /// The simple Gilbert model (`h = 0`, `k = 1`) with a given stationary loss rate and mean loss-burst length.
    ///
    /// `r = 1/meanBurst`, `p = lossRate·r/(1 − lossRate)` (docs/network.md §1.1; WebRTC's `avg_burst_loss_length` uses the
    /// same parametrisation). A loss rate of 0 gives `.none`; `meanBurst` below 1 is treated as 1.
    /// - Parameters:
    ///   - lossRate: stationary fraction of packets lost, 0 ≤ rate < 1.
    ///   - meanBurst: mean number of consecutive lost packets, ≥ 1; needs `meanBurst ≥ lossRate/(1 − lossRate)`.
    public static func gilbertElliott(lossRate: Double, meanBurst: Double) -> LossModel {
        guard lossRate > 0 else { return .none }
        let r = 1 / max(1, meanBurst)
        let p = min(1, lossRate * r / (1 - min(lossRate, 0.999_999)))
        return .gilbertElliott(p: p, r: r, h: 0, k: 1)
    }

    /// The stationary fraction of packets lost.
    public var meanLossRate: Double {
        switch self {
        case .none: return 0
        case .bernoulli(let rate): return min(1, max(0, rate))
        case .gilbertElliott(let p, let r, let h, let k):
            guard p + r > 0 else { return 1 - k }  // the chain never moves: it stays Good
            let bad = p / (p + r)
            return bad * (1 - h) + (1 - bad) * (1 - k)
        }
    }

    /// The mean number of packets the chain stays in the Bad state (`1/r`); 1 for Bernoulli, 0 for no loss.
    ///
    /// For the simple Gilbert model (`h = 0`, `k = 1`) this is the mean loss-burst length.
    public var meanBadSojourn: Double {
        switch self {
        case .none: return 0
        case .bernoulli: return 1
        case .gilbertElliott(_, let r, _, _): return r > 0 ? 1 / r : .infinity
        }
    }

    /// The E-model's BurstR: `1/(p + r)` for Gilbert–Elliott (G.107), at least 1; 1 otherwise.
    public var burstRatio: Double {
        switch self {
        case .none, .bernoulli: return 1
        case .gilbertElliott(let p, let r, _, _): return p + r > 0 ? max(1, 1 / (p + r)) : 1
        }
    }

    /// Everything wrong with the parameters, each naming the parameter and the allowed range; empty when valid.
    public func problems() -> [String] {
        func check(_ name: String, _ value: Double) -> String? {
            (0...1).contains(value) ? nil : "\(name) = \(value) is out of range; allowed 0–1"
        }
        switch self {
        case .none: return []
        case .bernoulli(let rate): return [check("loss rate", rate)].compactMap { $0 }
        case .gilbertElliott(let p, let r, let h, let k):
            return [check("p", p), check("r", r), check("h", h), check("k", k)].compactMap { $0 }
        }
    }
}

/// The running state of a loss model: one call per packet, no allocation.
struct LossProcess: Sendable {
    private enum Kind: Sendable { case none, bernoulli, gilbertElliott }

    private let kind: Kind
    private let p: Double
    private let r: Double
    private let lossInBad: Double
    private let lossInGood: Double
    private var isBad = false
    private var random: ImpairmentRandom

    init(model: LossModel, random: ImpairmentRandom) {
        self.random = random
        switch model {
        case .none:
            (self.kind, self.p, self.r, self.lossInBad, self.lossInGood) = (.none, 0, 0, 0, 0)
        case .bernoulli(let rate):
            (self.kind, self.p, self.r, self.lossInBad, self.lossInGood) = (.bernoulli, 0, 0, 0, rate)
        case .gilbertElliott(let p, let r, let h, let k):
            (self.kind, self.p, self.r, self.lossInBad, self.lossInGood) = (.gilbertElliott, p, r, 1 - h, 1 - k)
        }
    }

    /// Whether the next packet is lost.
    ///
    /// Gilbert–Elliott follows the kernel (`loss_gilb_ell`): one draw moves the chain for the *next* packet, a second
    /// decides this packet's loss with the loss probability of the state this packet found.
    mutating func nextIsLost() -> Bool {
        switch self.kind {
        case .none:
            return false
        case .bernoulli:
            return self.random.chance(self.lossInGood)
        case .gilbertElliott:
            let wasBad = self.isBad
            let move = self.random.nextUnit()
            self.isBad = wasBad ? !(move < self.r) : move < self.p
            return self.random.chance(wasBad ? self.lossInBad : self.lossInGood)
        }
    }
}
