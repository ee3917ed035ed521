import ChorusCore
import ChorusDialects
import ChorusNetwork
import ChorusTransport
import NIOCore
import Foundation

/// Turns a `ScenarioNode` tree into a `Scenario`, collecting every problem instead of stopping at the first.
///
/// Keys (all optional but `session.utterances`):
/// `name`, `seed`,
/// `target.{url, transport, dialect, codec, end_of_turn, max_message_size}`,
/// `agent.{latency, jitter, drift (a duration per turn, or {ms_per_turn, after_turn}), clock_skew_ppm, hangover,
/// reply, fragment, bargein_stop}`,
/// `load.{callers, ramp, duration, connect_timeout}`,
/// `session.{turns, think_time, utterances, response_timeout, audible_threshold, stall_threshold, speech_threshold,
/// speech_window, barge_in.{probability, after, utterance, missed_after}}`,
/// `harness.{max_send_late_p99, max_send_late, threads}`,
/// `thresholds.{<metric>.<stat>: "<op> <value>" | {limit, regression}, baseline, cells}` (ScenarioValidator+Thresholds).
struct ScenarioValidator {
    static let schema: [String: Set<String>] = [
        "": [
            "name", "seed", "target", "agent", "load", "session", "harness", "thresholds", "description", "network",
            "networks", "matrix",
        ],
        "matrix": ["transports"],
        "target": [
            "url", "transport", "dialect", "codec", "end_of_turn", "address", "payload_type", "audio_level_extension",
            "symmetric_rtp",
            "opus_bitrate", "opus_complexity", "opus_fec", "headers", "query", "subprotocols", "tls", "openai", "twilio",
            "max_message_size", "signalling", "local_address", "dtls_retransmit",
        ],
        "target.tls": ["ca_file", "insecure", "server_name"],
        "target.openai": ["model", "voice", "instructions", "vad_silence"],
        "target.twilio": ["custom_parameters", "account_sid"],
        "agent": ["latency", "jitter", "drift", "clock_skew_ppm", "hangover", "reply", "fragment", "bargein_stop"],
        "agent.drift": ["ms_per_turn", "after_turn"],
        "load": ["callers", "ramp", "duration", "connect_timeout", "arrival_rate", "arrivals", "max_concurrency", "stages"],
        "session": [
            "turns", "think_time", "utterances", "response_timeout", "audible_threshold", "stall_threshold",
            "speech_threshold", "speech_window", "barge_in",
        ],
        "session.barge_in": ["probability", "after", "utterance", "missed_after"],
        "harness": ["max_send_late_p99", "max_send_late", "max_loop_lag_p999", "threads"],
    ]
    /// The transports scenarios may name: those with a transport registered.
    static let transports = TransportRegistry.standard.kinds
    /// Codecs of the transports that carry audio without a dialect (RTP); the first is the default.
    static let transportCodecs: [TransportKind: [String]] = [
        .rtp: ["opus/16000", "opus/48000", "pcmu/8000"], .webrtc: ["opus/48000", "opus/16000", "pcmu/8000"],
    ]
    /// Codecs per WebSocket dialect; the first is the default.
    static let dialectCodecs: [DialectKind: [String]] = [
        .chorus: ["pcm16/16000", "pcm16/8000", "pcm16/24000", "pcm16/48000"],
        .openAIRealtime: ["pcm16/24000", "pcmu/8000"],
        .twilio: ["pcmu/8000"],
        .pipecat: ["pcm16/16000", "pcm16/8000", "pcm16/24000", "pcm16/48000"],
    ]
    /// How each dialect can end the caller's turn; the first is the default.
    static let endOfTurnModes: [DialectKind: [String]] = [
        .chorus: ["message", "vad"], .openAIRealtime: ["vad", "message"], .twilio: ["vad"], .pipecat: ["vad"],
    ]

    let file: String
    let baseDirectory: String
    var problems: [String] = []

    init(file: String) {
        self.file = file
        self.baseDirectory = URL(fileURLWithPath: file).deletingLastPathComponent().path
    }

    mutating func validate(_ root: ScenarioNode) -> Scenario {
        var s = Scenario(name: URL(fileURLWithPath: self.file).deletingPathExtension().lastPathComponent, path: self.file)
        guard case .mapping = root else {
            self.problem(root, "", "expected a mapping of keys (name, target, load, session, …)")
            return s
        }
        self.checkKeys(root, section: "")
        if let v = root["name"] { s.name = self.string(v, "name") ?? s.name }
        if let v = root["seed"] { s.seed = UInt64(self.int(v, "seed", min: 0) ?? 1) }
        if let t = self.section(root, "target") { self.readTarget(t, into: &s) }
        if let a = self.section(root, "agent") { self.readAgent(a, into: &s) }
        if let l = self.section(root, "load") { self.readLoad(l, into: &s) }
        if let ss = self.section(root, "session") { self.readSession(ss, into: &s) } else {
            self.problem(root, "session", "missing: a `session:` section with `utterances:` is required")
        }
        if let h = self.section(root, "harness") { self.readHarness(h, into: &s) }
        s.network = self.readNetworks(root)
        if let m = self.section(root, "matrix"), let t = m["transports"] {
            if case .sequence(let items, _) = t, !items.isEmpty {
                s.matrixTransports = items.compactMap { self.choice($0, "matrix.transports", Self.transports) }
            } else {
                self.problem(t, "matrix.transports", "expected a list like [websocket, rtp]")
            }
        }
        if let th = root["thresholds"] { self.readThresholds(th, into: &s) }
        return s
    }

    // MARK: - Sections

    private mutating func readTarget(_ t: ScenarioNode, into s: inout Scenario) {
        if let v = t["url"] {
            if let url = self.string(v, "target.url") {
                let webRTC = t["transport"].flatMap { if case .scalar(let text, _) = $0 { text } else { nil } } == "webrtc"
                if webRTC ? (url.hasPrefix("http://") || url.hasPrefix("https://")) : (url.hasPrefix("ws://") || url.hasPrefix("wss://")) {
                    s.target.url = url
                } else if webRTC {
                    self.problem(v, "target.url", "'\(url)' is not an http:// or https:// URL (WebRTC's signalling endpoint)")
                } else {
                    self.problem(v, "target.url", "'\(url)' is not a ws:// or wss:// URL")
                }
            }
        }
        if let v = t["transport"] { s.target.transport = self.choice(v, "target.transport", Self.transports) ?? s.target.transport }
        if let v = t["dialect"] { s.target.dialect = self.choice(v, "target.dialect", DialectKind.allCases) ?? s.target.dialect }
        // A transport with codecs of its own carries audio without a dialect (RTP).
        let ownCodecs = Self.transportCodecs[s.target.transport]
        let modes = Self.endOfTurnModes[s.target.dialect] ?? ["message"]
        s.target.endOfTurn = modes[0]
        if let v = t["end_of_turn"], let mode = self.choice(v, "target.end_of_turn", ["message", "vad"]) {
            if ownCodecs != nil || modes.contains(mode) {
                s.target.endOfTurn = mode
            } else {
                self.problem(v, "target.end_of_turn", "the \(s.target.dialect) dialect has no end-of-turn message; the agent's VAD decides (use vad)")
            }
        }
        let allowed = ownCodecs ?? Self.dialectCodecs[s.target.dialect] ?? []
        s.target.codec = allowed.first ?? s.target.codec
        if let v = t["codec"], let codec = self.string(v, "target.codec") {
            if allowed.contains(codec) {
                s.target.codec = codec
            } else {
                let over = ownCodecs != nil ? "over \(s.target.transport)" : "by the \(s.target.dialect) dialect"
                self.problem(v, "target.codec", "'\(codec)' is not supported \(over) (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
        if let v = t["headers"] { s.target.headers = self.stringMap(v, "target.headers") }
        if let v = t["signalling"] {
            s.target.signalling = self.choice(v, "target.signalling", WebRTCSignalling.Style.allCases) ?? s.target.signalling
        }
        if let v = t["dtls_retransmit"], let ms = self.duration(v, "target.dtls_retransmit", positive: true) {
            if (20...10_000).contains(ms) {
                s.target.dtlsRetransmitMs = ms
            } else {
                self.problem(v, "target.dtls_retransmit", "expected 20ms to 10s (the first DTLS retransmission timeout)")
            }
        }
        if let v = t["local_address"], let text = self.string(v, "target.local_address") {
            if (try? SocketAddress(ipAddress: text, port: 0)) != nil {
                s.target.localAddress = text
            } else {
                self.problem(v, "target.local_address", "'\(text)' is not an IPv4 or IPv6 address")
            }
        }
        if let v = t["query"] { s.target.query = self.stringMap(v, "target.query") }
        if let v = t["subprotocols"] {
            if case .sequence(let items, _) = v {
                s.target.subprotocols = items.compactMap { self.string($0, "target.subprotocols") }
            } else {
                self.problem(v, "target.subprotocols", "expected a list of protocol names")
            }
        }
        if let tls = self.section(t, "tls", path: "target.tls") {
            if let v = tls["ca_file"], let p = self.string(v, "target.tls.ca_file") {
                s.target.tls.caFile = self.existingFile(v, "target.tls.ca_file", p, what: "CA file")
            }
            if let v = tls["insecure"] { s.target.tls.insecure = self.bool(v, "target.tls.insecure") ?? false }
            if let v = tls["server_name"] { s.target.tls.serverName = self.string(v, "target.tls.server_name") }
        }
        if let o = self.section(t, "openai", path: "target.openai") {
            if let v = o["model"] { s.target.openai.model = self.string(v, "target.openai.model") }
            if let v = o["voice"] { s.target.openai.voice = self.string(v, "target.openai.voice") }
            if let v = o["instructions"] { s.target.openai.instructions = self.string(v, "target.openai.instructions") }
            if let v = o["vad_silence"] { s.target.openai.vadSilenceMs = self.duration(v, "target.openai.vad_silence").map { Int($0) } }
        }
        if let tw = self.section(t, "twilio", path: "target.twilio") {
            if let v = tw["custom_parameters"] { s.target.twilio.customParameters = self.stringMap(v, "target.twilio.custom_parameters") }
            if let v = tw["account_sid"], let sid = self.string(v, "target.twilio.account_sid") {
                if TwilioIdentity.isValid(sid, prefix: "AC") {
                    s.target.twilio.accountSid = sid
                } else {
                    self.problem(v, "target.twilio.account_sid", "'\(sid)' is not an account SID (AC followed by 32 hex digits)")
                }
            }
        }
        for (section, dialect) in [("openai", DialectKind.openAIRealtime), ("twilio", .twilio)]
        where t[section] != nil && s.target.dialect != dialect {
            self.problem(t, "target.\(section)", "applies to dialect \(dialect) only (this target's dialect is \(s.target.dialect))")
        }
        if let v = t["address"] {
            switch v {
            case .scalar(let a, _) where HostPort(parsing: a) != nil:
                s.target.address = a
            case .scalar(let a, _):
                self.problem(v, "target.address", "'\(a)' is not \(HostPort.expectedForm)")
            case .sequence, .mapping:
                // YAML reads an unquoted bracket as the start of a list.
                self.problem(v, "target.address", "expected \(HostPort.expectedForm) (quote an IPv6 one: \"[::1]:4000\")")
            }
        }
        if let v = t["payload_type"] { s.target.payloadType = self.int(v, "target.payload_type", min: 0, max: 127) }
        if let v = t["audio_level_extension"] { s.target.audioLevelExtension = self.bool(v, "target.audio_level_extension") ?? true }
        if let v = t["symmetric_rtp"] { s.target.symmetricRTP = self.bool(v, "target.symmetric_rtp") ?? true }
        if let v = t["opus_bitrate"] { s.target.opusBitrate = self.int(v, "target.opus_bitrate", min: 6000, max: 510_000) ?? 24000 }
        if let v = t["opus_complexity"] { s.target.opusComplexity = self.int(v, "target.opus_complexity", min: 0, max: 10) ?? 5 }
        if let v = t["opus_fec"] { s.target.opusFEC = self.bool(v, "target.opus_fec") ?? true }
        if let v = t["max_message_size"] {
            s.target.maxMessageSize = self.int(
                v, "target.max_message_size", min: 1, max: WebSocketClientOptions.maxMessageSizeCeiling)
        }
        if s.target.transport == .rtp && t["url"] != nil {
            self.problem(t, "target.url", "RTP targets take target.address (host:port or [IPv6]:port), not a URL")
        }
    }

    private mutating func readAgent(_ a: ScenarioNode, into s: inout Scenario) {
        if let v = a["latency"] { s.agent.latencyMs = self.duration(v, "agent.latency") ?? s.agent.latencyMs }
        if let v = a["jitter"] { s.agent.jitterMs = self.duration(v, "agent.jitter") ?? s.agent.jitterMs }
        if let v = a["drift"] { self.readDrift(v, into: &s) }
        if let v = a["clock_skew_ppm"], let text = self.string(v, "agent.clock_skew_ppm") {
            if let ppm = Double(text), abs(ppm) <= 10_000 {
                s.agent.clockSkewPpm = ppm
            } else {
                self.problem(v, "agent.clock_skew_ppm", "'\(text)' is not a number of ppm from -10000 to 10000 (expected e.g. 200)")
            }
        }
        if let v = a["hangover"] { s.agent.hangoverMs = self.duration(v, "agent.hangover") ?? s.agent.hangoverMs }
        if let v = a["reply"], let p = self.string(v, "agent.reply") { s.agentReply = self.existingFile(v, "agent.reply", p) }
        if let v = a["fragment"] { s.agent.fragmentBytes = self.int(v, "agent.fragment", min: 1) }
        if let v = a["bargein_stop"], let text = self.string(v, "agent.bargein_stop") {
            if let stop = BargeInStop(parsing: text) {
                s.agent.bargeInStop = stop
            } else {
                self.problem(v, "agent.bargein_stop", "'\(text)' is not a duration or never (expected e.g. 150ms or never)")
            }
        }
    }

    /// `agent.drift`: a duration per turn (`15ms`, linear from the first turn) or `{ms_per_turn, after_turn}`.
    private mutating func readDrift(_ v: ScenarioNode, into s: inout Scenario) {
        guard case .mapping = v else {
            s.agent.driftMsPerTurn = self.duration(v, "agent.drift", allowNegative: true) ?? s.agent.driftMsPerTurn
            return
        }
        self.checkKeys(v, section: "agent.drift")
        if let r = v["ms_per_turn"] {
            s.agent.driftMsPerTurn = self.duration(r, "agent.drift.ms_per_turn", allowNegative: true) ?? 0
        } else {
            self.problem(v, "agent.drift", "missing ms_per_turn (expected e.g. {ms_per_turn: 15ms, after_turn: 10})")
        }
        if let k = v["after_turn"] { s.agent.driftAfterTurn = self.int(k, "agent.drift.after_turn", min: 0) ?? 0 }
    }

    private mutating func readLoad(_ l: ScenarioNode, into s: inout Scenario) {
        if let v = l["callers"] { s.load.callers = self.int(v, "load.callers", min: 1) ?? s.load.callers }
        if let v = l["ramp"] { s.load.rampMs = self.duration(v, "load.ramp") ?? s.load.rampMs }
        if let v = l["duration"] { s.load.durationMs = self.duration(v, "load.duration", positive: true) }
        if let v = l["arrival_rate"] { s.load.arrivalRate = self.rate(v, "load.arrival_rate") }
        if let v = l["arrivals"], let p = self.choice(v, "load.arrivals", OpenArrivals.Process.allCases.map(\.rawValue)) {
            s.load.arrivals = OpenArrivals.Process(rawValue: p) ?? .poisson
        }
        if let v = l["max_concurrency"] { s.load.maxConcurrency = self.int(v, "load.max_concurrency", min: 1) }
        if let v = l["stages"] { s.load.stages = self.stages(v) }
        if s.load.arrivalRate != nil {
            if l["callers"] != nil || l["stages"] != nil {
                self.problem(l, "load.arrival_rate", "the open model (arrival_rate) cannot be combined with callers or stages")
            }
            if s.load.durationMs == nil && l["duration"] == nil {
                self.problem(l, "load.arrival_rate", "the open model needs load.duration (how long sessions keep arriving)")
            }
        }
        if l["stages"] != nil && (l["callers"] != nil || l["duration"] != nil) {
            self.problem(l, "load.stages", "stages replace callers, ramp and duration: give one or the other")
        }
        if let v = l["connect_timeout"] { s.load.connectTimeoutMs = self.duration(v, "load.connect_timeout", positive: true) ?? s.load.connectTimeoutMs }
    }

    private mutating func rate(_ node: ScenarioNode, _ key: String) -> Double? {
        guard let text = self.string(node, key) else { return nil }
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "/")
        let scale: Double? = parts.count == 1 ? 1 : ["s": 1, "sec": 1, "m": 1.0 / 60, "min": 1.0 / 60, "h": 1.0 / 3600][String(parts.last ?? "")]
        guard let scale, let value = Double(parts[0]), value > 0 else {
            self.problem(node, key, "'\(text)' is not a rate (expected e.g. 5/s, 120/m)")
            return nil
        }
        return value * scale
    }

    private mutating func stages(_ node: ScenarioNode) -> [LoadStage]? {
        guard case .sequence(let items, _) = node, !items.isEmpty else {
            self.problem(node, "load.stages", "expected a list like [{callers: 10, duration: 30s, ramp: 5s}, …]")
            return nil
        }
        var stages: [LoadStage] = []
        for (i, item) in items.enumerated() {
            let key = "load.stages[\(i)]"
            guard case .mapping(let entries, _) = item else {
                self.problem(item, key, "expected a mapping with callers, duration and optionally ramp")
                continue
            }
            for e in entries where !["callers", "duration", "ramp"].contains(e.key) {
                self.problem(line: e.line, "\(key).\(e.key)", "unknown key; expected one of: callers, duration, ramp")
            }
            let callers = item["callers"].flatMap { self.int($0, "\(key).callers", min: 0) }
            let duration = item["duration"].flatMap { self.duration($0, "\(key).duration", positive: true) }
            let ramp = item["ramp"].flatMap { self.duration($0, "\(key).ramp") } ?? 0
            if item["callers"] == nil { self.problem(item, "\(key).callers", "missing") }
            if item["duration"] == nil { self.problem(item, "\(key).duration", "missing") }
            if let callers, let duration { stages.append(LoadStage(callers: callers, durationMs: duration, rampMs: ramp)) }
        }
        return stages
    }

    /// `session.turns`: a count (`3`) or a range each session draws from (`20..100`).
    private mutating func readTurns(_ v: ScenarioNode, into s: inout Scenario) {
        guard let text = self.string(v, "session.turns") else { return }
        let parts = text.components(separatedBy: "..").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low >= 1, high >= low {
            s.session.turns = low
            s.session.maxTurns = high
        } else if parts.count == 1, let n = Int(parts[0]), n >= 1 {
            s.session.turns = n
        } else {
            self.problem(v, "session.turns", "'\(text)' is not a whole number ≥ 1 or a range like 20..100")
        }
    }

    private mutating func readSession(_ ss: ScenarioNode, into s: inout Scenario) {
        if let v = ss["turns"] { self.readTurns(v, into: &s) }
        if let v = ss["think_time"], let text = self.string(v, "session.think_time") {
            if let r = DurationParser.range(text), r.lowerBound >= 0 {
                s.session.thinkTimeMs = r
            } else {
                self.problem(v, "session.think_time", "'\(text)' is not a duration or range (expected e.g. 1s or 1s..3s)")
            }
        }
        if let v = ss["response_timeout"] { s.session.responseTimeoutMs = self.duration(v, "session.response_timeout", positive: true) ?? s.session.responseTimeoutMs }
        if let v = ss["stall_threshold"] { s.session.stallThresholdMs = self.duration(v, "session.stall_threshold", positive: true) ?? s.session.stallThresholdMs }
        if let v = ss["audible_threshold"], let db = self.level(v, "session.audible_threshold", example: -45) {
            s.session.audibleThresholdDBFS = db
        }
        if let v = ss["speech_threshold"], let db = self.level(v, "session.speech_threshold", example: -40) {
            s.session.speechThresholdDBFS = db
        }
        if let v = ss["speech_window"], let text = self.string(v, "session.speech_window") {
            if let ms = DurationParser.milliseconds(text), ms == ms.rounded(), (1...100).contains(ms) {
                s.session.speechWindowMs = Int(ms)
            } else {
                self.problem(
                    v, "session.speech_window",
                    "'\(text)' is not a whole number of milliseconds from 1ms to 100ms (expected e.g. 10ms or 20ms)")
            }
        }
        if let b = self.section(ss, "barge_in", path: "session.barge_in") { self.readBargeIn(b, into: &s) }
        guard let list = ss["utterances"] else {
            self.problem(ss, "session.utterances", "missing: list the audio files callers speak (WAV, FLAC or OGG)")
            return
        }
        guard case .sequence(let items, _) = list, !items.isEmpty else {
            self.problem(list, "session.utterances", "expected a non-empty list of audio file paths")
            return
        }
        s.session.utterances = items.enumerated().compactMap { i, item in
            guard let p = self.string(item, "session.utterances[\(i)]") else { return nil }
            return self.existingFile(item, "session.utterances[\(i)]", p)
        }
    }

    /// `session.barge_in: {probability, after, utterance, missed_after}`.
    private mutating func readBargeIn(_ b: ScenarioNode, into s: inout Scenario) {
        let key = "session.barge_in"
        guard let u = b["utterance"] else {
            self.problem(b, "\(key).utterance", "missing: the audio file the caller interrupts with (e.g. utterance: audio/wait.wav)")
            return
        }
        guard let text = self.string(u, "\(key).utterance"), let path = self.existingFile(u, "\(key).utterance", text) else {
            return
        }
        var bargeIn = Scenario.BargeIn(utterance: path)
        if let v = b["probability"], let text = self.string(v, "\(key).probability") {
            if let p = Double(text), (0...1).contains(p) {
                bargeIn.probability = p
            } else {
                self.problem(v, "\(key).probability", "'\(text)' is not a probability from 0 to 1 (expected e.g. 0.3)")
            }
        }
        if let v = b["after"], let text = self.string(v, "\(key).after") {
            if let r = DurationParser.range(text), r.lowerBound >= 0 {
                bargeIn.afterMs = r
            } else {
                self.problem(v, "\(key).after", "'\(text)' is not a duration or range (expected e.g. 400ms..1500ms)")
            }
        }
        if let v = b["missed_after"] {
            bargeIn.missedAfterMs = self.duration(v, "\(key).missed_after", positive: true) ?? bargeIn.missedAfterMs
        }
        s.session.bargeIn = bargeIn
    }

    private mutating func readHarness(_ h: ScenarioNode, into s: inout Scenario) {
        if let v = h["max_send_late_p99"] { s.harness.maxSendLateP99Ms = self.duration(v, "harness.max_send_late_p99", positive: true) ?? s.harness.maxSendLateP99Ms }
        if let v = h["max_send_late"] { s.harness.maxSendLateMs = self.duration(v, "harness.max_send_late", positive: true) ?? s.harness.maxSendLateMs }
        if let v = h["max_loop_lag_p999"] { s.harness.maxLoopLagP999Ms = self.duration(v, "harness.max_loop_lag_p999", positive: true) ?? s.harness.maxLoopLagP999Ms }
        if let v = h["threads"] { s.harness.threads = self.int(v, "harness.threads", min: 0) ?? 0 }
    }

    /// `network:` (a name or a list of names) resolved against the built-in profiles and `networks:`.
    private mutating func readNetworks(_ root: ScenarioNode) -> [LinkProfile] {
        var custom: [String: LinkProfile] = [:]
        if let node = root["networks"] {
            if case .mapping(let entries, _) = node {
                for entry in entries {
                    let key = "networks.\(entry.key)"
                    guard case .mapping(let fields, _) = entry.value else {
                        self.problem(entry.value, key, "expected a mapping of profile fields (loss, delay, jitter, …)")
                        continue
                    }
                    var flat: [String: String] = [:]
                    for f in fields {
                        if case .scalar(let v, _) = f.value {
                            flat[f.key] = v
                        } else if case .mapping(let sub, _) = f.value {
                            for g in sub { if case .scalar(let v, _) = g.value { flat["\(f.key).\(g.key)"] = v } }
                        }
                    }
                    switch LinkProfile.parse(name: entry.key, fields: flat) {
                    case .success(let p): custom[entry.key] = p
                    case .failure(let e):
                        for p in e.problems { self.problem(line: entry.line, "\(key).\(p.key)", p.message) }
                    }
                }
            } else {
                self.problem(node, "networks", "expected a mapping of profile names to fields")
            }
        }
        guard let node = root["network"] else { return [LinkProfile.named("clean")!] }
        let items: [ScenarioNode]
        if case .sequence(let list, _) = node { items = list } else { items = [node] }
        var profiles: [LinkProfile] = []
        for (i, item) in items.enumerated() {
            guard let name = self.string(item, "network[\(i)]") else { continue }
            if let p = custom[name] ?? LinkProfile.named(name) {
                profiles.append(p)
            } else {
                let known = LinkProfile.builtIn.map(\.name) + custom.keys.sorted()
                self.problem(item, "network[\(i)]", "unknown network profile '\(name)' (expected one of: \(known.joined(separator: ", ")), or define it under networks:)")
            }
        }
        return profiles.isEmpty ? [LinkProfile.named("clean")!] : profiles
    }

    // MARK: - Values

    private mutating func section(_ root: ScenarioNode, _ name: String, path: String? = nil) -> ScenarioNode? {
        let path = path ?? name
        guard let node = root[name] else { return nil }
        guard case .mapping = node else {
            self.problem(node, path, "expected a mapping of keys (\(Self.schema[path]!.sorted().joined(separator: ", ")))")
            return nil
        }
        self.checkKeys(node, section: path)
        return node
    }

    /// A mapping of names to single values (headers, query parameters, custom parameters).
    private mutating func stringMap(_ node: ScenarioNode, _ key: String) -> [String: String] {
        guard case .mapping(let entries, _) = node else {
            self.problem(node, key, "expected a mapping of names to values")
            return [:]
        }
        var map: [String: String] = [:]
        for entry in entries {
            if let value = self.string(entry.value, "\(key).\(entry.key)") { map[entry.key] = value }
        }
        return map
    }

    private mutating func checkKeys(_ node: ScenarioNode, section: String) {
        guard case .mapping(let entries, _) = node, let allowed = Self.schema[section] else { return }
        for entry in entries where !allowed.contains(entry.key) {
            let path = section.isEmpty ? entry.key : "\(section).\(entry.key)"
            var message = "unknown key"
            if let guess = Self.closest(entry.key, in: allowed) { message += " (did you mean '\(guess)'?)" }
            message += "; expected one of: \(allowed.sorted().joined(separator: ", "))"
            self.problem(line: entry.line ?? node.line, path, message)
        }
    }

    mutating func string(_ node: ScenarioNode, _ key: String) -> String? {
        guard case .scalar(let s, _) = node else {
            self.problem(node, key, "expected a single value, not a list or mapping")
            return nil
        }
        return s
    }

    private mutating func int(_ node: ScenarioNode, _ key: String, min: Int, max: Int = Int.max) -> Int? {
        guard let s = self.string(node, key) else { return nil }
        guard let v = Int(s), v >= min, v <= max else {
            let range = max == Int.max ? "≥ \(min)" : "from \(min) to \(max)"
            self.problem(node, key, "'\(s)' is not a whole number \(range)")
            return nil
        }
        return v
    }

    private mutating func bool(_ node: ScenarioNode, _ key: String) -> Bool? {
        guard let s = self.string(node, key) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            self.problem(node, key, "'\(s)' is not true or false")
            return nil
        }
    }

    private mutating func duration(_ node: ScenarioNode, _ key: String, positive: Bool = false, allowNegative: Bool = false) -> Double? {
        guard let s = self.string(node, key) else { return nil }
        guard let ms = DurationParser.milliseconds(s), allowNegative || ms >= 0, !positive || ms > 0 else {
            self.problem(node, key, "'\(s)' is not a \(positive ? "positive " : "")duration (expected e.g. 300ms, 1.5s, 2m)")
            return nil
        }
        return ms
    }

    /// A level in dBFS (`-45`, `-45dBFS`) from -120 to 0.
    private mutating func level(_ node: ScenarioNode, _ key: String, example: Int) -> Double? {
        guard let text = self.string(node, key) else { return nil }
        let number = text.lowercased().replacingOccurrences(of: "dbfs", with: "").trimmingCharacters(in: .whitespaces)
        guard let db = Double(number), (-120...0).contains(db) else {
            self.problem(node, key, "'\(text)' is not a level in dBFS from -120 to 0 (expected e.g. \(example))")
            return nil
        }
        return db
    }

    private mutating func choice(_ node: ScenarioNode, _ key: String, _ allowed: [String]) -> String? {
        guard let s = self.string(node, key) else { return nil }
        guard allowed.contains(s) else {
            self.problem(node, key, "'\(s)' is not supported (expected one of: \(allowed.joined(separator: ", ")))")
            return nil
        }
        return s
    }

    /// One of `allowed`, named by its raw value.
    private mutating func choice<Kind: RawRepresentable<String>>(
        _ node: ScenarioNode, _ key: String, _ allowed: [Kind]
    ) -> Kind? {
        self.choice(node, key, allowed.map(\.rawValue)).flatMap(Kind.init(rawValue:))
    }

    private mutating func existingFile(_ node: ScenarioNode, _ key: String, _ path: String, what: String = "audio file") -> String? {
        let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: self.baseDirectory).appendingPathComponent(path).path
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            self.problem(node, key, "\(what) '\(path)' not found or unreadable (looked at \(resolved))")
            return nil
        }
        return resolved
    }

    mutating func problem(_ node: ScenarioNode, _ key: String, _ message: String) {
        self.problem(line: node.line, key, message)
    }

    mutating func problem(line: Int?, _ key: String, _ message: String) {
        let location = line.map { "\(self.file):\($0)" } ?? self.file
        self.problems.append("\(location): \(key.isEmpty ? "" : "\(key): ")\(message)")
    }

    /// The allowed key nearest to `key` by edit distance, when it is plausibly a typo.
    static func closest(_ key: String, in allowed: Set<String>) -> String? {
        var best: (word: String, distance: Int)?
        for word in allowed.sorted() {
            let d = Self.editDistance(key, word)
            if best == nil || d < best!.distance { best = (word, d) }
        }
        guard let best, best.distance <= max(2, key.count / 3) else { return nil }
        return best.word
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
