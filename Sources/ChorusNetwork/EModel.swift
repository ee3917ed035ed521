import Foundation

/// ITU-T G.107 E-model, simplified for VoIP (docs/network.md §4): `R = 93.2 − Id − Ie,eff + A`, then MOS by Annex B.
///
/// For transmission planning, not a prediction of one call's opinion: report it as "estimated MOS-CQE (E-model)"
/// with its inputs (delay, loss, BurstR, Ie, Bpl) and the codec's `note`.
public enum EModel {
    /// `Ro − Is` with every G.107 default (06/2015): the R of a perfect narrowband call.
    public static let defaultR = 93.2

    /// A codec's equipment impairment at zero loss (`Ie`) and packet-loss robustness (`Bpl`), G.113 App. I.
    public struct Codec: Sendable, Hashable, Codable {
        /// A short label.
        public var name: String
        /// Equipment impairment factor at zero loss.
        public var ie: Double
        /// Packet-loss robustness factor.
        public var bpl: Double
        /// The assumption behind the numbers, to print beside the score.
        public var note: String

        /// A codec with explicit factors.
        public init(name: String, ie: Double, bpl: Double, note: String = "") {
            self.name = name
            self.ie = ie
            self.bpl = bpl
            self.note = note
        }

        /// G.711 µ-law without packet-loss concealment (G.113 App. I Table I.3: Ie 0, Bpl 4.3).
        public static let pcmu = Codec(name: "G.711 µ-law", ie: 0, bpl: 4.3, note: "G.113 App. I, no PLC")
        /// G.711 A-law without packet-loss concealment (same factors as µ-law).
        public static let pcma = Codec(name: "G.711 A-law", ie: 0, bpl: 4.3, note: "G.113 App. I, no PLC")
        /// G.711 with G.711 Appendix I PLC (Ie 0, Bpl 25.1).
        public static let pcmuWithPLC = Codec(
            name: "G.711 + PLC", ie: 0, bpl: 25.1, note: "G.113 App. I, G.711 App. I PLC")
        /// G.729A (Ie 11, Bpl 19; unverified transcription of G.113).
        public static let g729a = Codec(name: "G.729A", ie: 11, bpl: 19.0, note: "G.113 App. I [unverified]")
        /// Opus ≥ 24 kbit/s mono speech, assumed no worse than G.711 with PLC (this harness's choice).
        public static let opus = Codec(
            name: "Opus", ie: 0, bpl: 25.1, note: "E-model (Opus assumed ≅ G.711+PLC)")
        /// Linear PCM16 (any sample rate) without concealment, scored on the narrowband scale as G.711 without PLC.
        public static let pcm16wideband = Codec(
            name: "PCM16", ie: 0, bpl: 4.3, note: "E-model (PCM16 assumed ≅ G.711 without PLC, narrowband scale)")

        /// The codec for a scenario codec name (`pcmu`, `pcma`, `g711`, `opus…`, `pcm16/16000`, `g729…`), or nil.
        public init?(named text: String) {
            let name = text.lowercased()
            if name.hasPrefix("pcmu") || name.hasPrefix("g711") || name.hasPrefix("ulaw") || name.hasPrefix("mulaw") {
                self = .pcmu
            } else if name.hasPrefix("pcma") || name.hasPrefix("alaw") {
                self = .pcma
            } else if name.hasPrefix("opus") {
                self = .opus
            } else if name.hasPrefix("pcm16") || name.hasPrefix("l16") || name.hasPrefix("linear16") {
                self = .pcm16wideband
            } else if name.hasPrefix("g729") {
                self = .g729a
            } else {
                return nil
            }
        }
    }

    /// Which delay impairment `Id` to use (docs/network.md §4).
    public enum DelayFormula: String, Sendable, Hashable, Codable {
        /// Cole & Rosenbluth (2001): `Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3)`; includes default echo, the
        /// more conservative choice and the one used for the worked values in docs/network.md §4.
        case simplified
        /// G.107's pure-delay term `Idd` only (perfect echo control); 0 up to 100 ms.
        case pureDelay
    }

    /// The rating factor R.
    /// - Parameters:
    ///   - oneWayDelayMs: mouth-to-ear delay d in ms (network + packetisation + jitter buffer + device).
    ///   - effectiveLossPct: Ppl in percent (0–100), including packets the jitter buffer discarded as late.
    ///   - burstRatio: BurstR, 1 for random loss, `1/(p + q)` for a 2-state Markov chain; values below 1 count as 1.
    ///   - advantage: the advantage factor A (0 for test scoring).
    public static func rFactor(
        oneWayDelayMs: Double, effectiveLossPct: Double, codec: Codec, burstRatio: Double = 1, advantage: Double = 0,
        delayFormula: DelayFormula = .simplified
    ) -> Double {
        let id = Self.delayImpairment(oneWayDelayMs: oneWayDelayMs, formula: delayFormula)
        let ie = Self.effectiveEquipmentImpairment(lossPct: effectiveLossPct, codec: codec, burstRatio: burstRatio)
        return Self.defaultR - id - ie + advantage
    }

    /// The delay impairment Id for one-way delay `oneWayDelayMs`.
    public static func delayImpairment(oneWayDelayMs: Double, formula: DelayFormula = .simplified) -> Double {
        let d = max(0, oneWayDelayMs)
        switch formula {
        case .simplified:
            return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0)
        case .pureDelay:
            guard d > 100 else { return 0 }
            let x = log10(d / 100) / log10(2)
            let sixth = 1.0 / 6.0
            return 25 * (pow(1 + pow(x, 6), sixth) - 3 * pow(1 + pow(x / 3, 6), sixth) + 2)
        }
    }

    /// `Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl/BurstR + Bpl)` (G.107); loss is clamped to 0–100 %.
    public static func effectiveEquipmentImpairment(lossPct: Double, codec: Codec, burstRatio: Double = 1) -> Double {
        let ppl = min(100, max(0, lossPct))
        let burstR = max(1, burstRatio)
        guard ppl > 0 else { return codec.ie }
        return codec.ie + (95 - codec.ie) * ppl / (ppl / burstR + codec.bpl)
    }

    /// BurstR for a 2-state Markov chain with `p` = P(lost | previous received), `q` = P(received | previous lost),
    /// at least 1 (G.107).
    public static func burstRatio(p: Double, q: Double) -> Double {
        p + q > 0 ? max(1, 1 / (p + q)) : 1
    }

    /// G.107 Annex B: R → MOS (1 at R ≤ 0, 4.5 at R ≥ 100).
    public static func mos(r: Double) -> Double {
        if r <= 0 { return 1 }
        if r >= 100 { return 4.5 }
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
    }
}
