import ChorusCore
import ChorusDialects
import ChorusEngine

/// The scenario hash every shard of a run records and `chorus merge` compares: 64-bit FNV-1a, in hex, of the
/// scenario text (literal credentials masked) and the `--set` overrides in order.
///
/// It covers what the shards were told to run, not the audio files' bytes nor the machine they ran on, so shards
/// started from the same file and flags agree wherever the file sits.
enum ScenarioFingerprint {
    /// The hash of `yaml` as run with `overrides` (the flags turned into `key=value` overrides included).
    static func hash(yaml: String, overrides: [String], scenario: Scenario) -> String {
        let literalSecrets = WebSocketTarget.secrets(of: scenario, environment: [:])
        var text = Secrets.redact(yaml, secrets: literalSecrets)
        for o in overrides { text += "\n--set \(o)" }
        let h = FNV1a.hash(text)
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
