
import ChorusCore
import ChorusNetwork
import ChorusTransport

/// A validated scenario: what to call, how hard, what each caller says, and what counts as passing.
///
/// Built from YAML by `Scenario.load(path:overrides:)`; stored as JSON in `runs.config_json`.
public struct Scenario: Sendable, Codable, Hashable {
    public struct Target: Sendable, Codable, Hashable {
        /// `ws://host:port/path` (WebRTC: the signalling endpoint, `http(s)://…`); nil starts the embedded
        /// reference agent.
        public var url: String?
        /// WebRTC: how the offer reaches the agent (WHIP or Pipecat's SmallWebRTC offer endpoint).
        public var signalling: WebRTCSignalling.Style = .whip
        /// WebRTC: the local address callers bind to and announce as their one ICE candidate; nil for the one that
        /// routes to the agent.
        public var localAddress: String?
        /// WebRTC: the DTLS handshake's first retransmission timeout, ms (it doubles on each retry).
        public var dtlsRetransmitMs: Double = 100
        public var transport: TransportKind = .websocket
        public var dialect: DialectKind = .chorus
        /// `pcm16/16000` and the like: encoding and sample rate.
        public var codec: String = "pcm16/16000"
        /// `message`: send an explicit end-of-turn message; `vad`: rely on the agent's voice activity detection.
        public var endOfTurn: String = "message"
        /// RTP: the agent's `host:port` or `[IPv6]:port` (`HostPort`); nil starts the embedded reference agent.
        public var address: String?
        /// RTP payload type; nil for the codec's usual one (111 Opus, 0 PCMU).
        public var payloadType: Int?
        /// RTP: send the RFC 6464 audio-level header extension (with its voice-activity bit).
        public var audioLevelExtension = true
        /// RTP: callers hear only the address they send to (a connected socket, RFC 4961 symmetric RTP); false
        /// for an agent that answers from another address or port.
        public var symmetricRTP = true
        public var opusBitrate = 24000
        public var opusComplexity = 5
        public var opusFEC = true
        /// WebSocket handshake headers; values may reference `${ENV_VAR}`s, expanded only when connecting.
        public var headers: [String: String] = [:]
        /// Query parameters appended to the URL (values may reference `${ENV_VAR}`s).
        public var query: [String: String] = [:]
        /// `Sec-WebSocket-Protocol` values offered.
        public var subprotocols: [String] = []
        /// `wss://` settings.
        public var tls = TLS()
        /// OpenAI Realtime settings (`dialect: openai-realtime`).
        public var openai = OpenAI()
        /// Twilio Media Streams settings (`dialect: twilio`).
        public var twilio = Twilio()
        /// WebSocket: the largest agent message in bytes, fragmented or not; nil for the default (16 MiB).
        public var maxMessageSize: Int?

        public struct TLS: Sendable, Codable, Hashable {
            /// A PEM file of extra trusted certificates (besides the system store).
            public var caFile: String?
            /// Skip certificate verification (self-signed test agents only; warned about).
            public var insecure = false
            /// The server name for SNI and the certificate check, when it is not the URL's host.
            public var serverName: String?
        }

        public struct OpenAI: Sendable, Codable, Hashable {
            public var model: String?
            public var voice: String?
            public var instructions: String?
            /// Server VAD's silence before the turn ends (ms); nil keeps the API default.
            public var vadSilenceMs: Int?
        }

        public struct Twilio: Sendable, Codable, Hashable {
            /// `start.customParameters`.
            public var customParameters: [String: String] = [:]
            /// The `AC…` account SID every call uses; nil draws one per call.
            public var accountSid: String?
        }

        /// The encoding part of the codec string (`pcm16`, `opus`, `pcmu`).
        public var encoding: String { String(self.codec.split(separator: "/").first ?? "") }

        /// The sample rate of the codec string.
        public var sampleRate: Int { Int(self.codec.split(separator: "/").last ?? "") ?? 16000 }
    }

    public struct Load: Sendable, Codable, Hashable {
        public var callers: Int = 1
        public var rampMs: Double = 0
        /// When set, callers repeat sessions until this much time has passed; otherwise one session each.
        public var durationMs: Double?
        public var connectTimeoutMs: Double = 5000
        /// Open model: sessions per second arriving whatever the agent does; nil for the closed model.
        public var arrivalRate: Double?
        public var arrivals: OpenArrivals.Process = .poisson
        /// Open model: arrivals beyond this many sessions in progress are dropped (and counted as `dropped`).
        public var maxConcurrency: Int?
        /// Closed model as stepped/spike stages; overrides `callers`, `ramp` and `duration`.
        public var stages: [LoadStage]?

        /// The load model's name for reports.
        public var model: String { self.arrivalRate != nil ? "open" : "closed" }
    }

    public struct Session: Sendable, Codable, Hashable {
        /// Turns per session; with `maxTurns`, the smallest number a session draws.
        public var turns: Int = 3
        /// `session.turns: 20..100`: each session draws its number of turns uniformly from `turns...maxTurns`
        /// (seeded, like everything a session plans); nil for a fixed count.
        public var maxTurns: Int?
        public var thinkTimeMs: ClosedRange<Double> = 500...500
        /// Audio file paths, resolved against the scenario's directory.
        public var utterances: [String] = []
        public var responseTimeoutMs: Double = 10_000
        public var audibleThresholdDBFS: Double = -45
        public var stallThresholdMs: Double = 100
        /// An utterance's speech ends in the last window of `speechWindowMs` whose RMS reaches this level
        /// (docs/end-of-speech.md).
        public var speechThresholdDBFS: Double = -40
        /// The window length of the end-of-speech rule, whole milliseconds.
        public var speechWindowMs: Int = 10
        /// Scripted interruptions (`session.barge_in`); nil for none.
        public var bargeIn: BargeIn?
    }

    /// `session.barge_in`: with `probability` per turn the caller interrupts the agent's reply, starting to speak
    /// `utterance` `afterMs` (drawn uniformly) past the reply's first audio. The interrupting utterance is a turn of
    /// its own (docs/metrics.md, "Barge-in").
    public struct BargeIn: Sendable, Codable, Hashable {
        /// Chance, 0…1, that a scripted turn's reply is interrupted.
        public var probability: Double = 0.3
        /// How long after the reply's first audio the interrupting speech starts, milliseconds.
        public var afterMs: ClosedRange<Double> = 400...1500
        /// The interrupting audio file, resolved against the scenario's directory.
        public var utterance: String
        /// An interrupted reply still arriving this long after the interrupting speech started is a missed
        /// interruption: the agent talked on.
        public var missedAfterMs: Double = 1000

        public init(utterance: String) {
            self.utterance = utterance
        }
    }

    public struct Harness: Sendable, Codable, Hashable {
        public var maxSendLateP99Ms: Double = 5
        public var maxSendLateMs: Double = 20
        /// Event-loop lag (hiccup) p99.9 bound.
        public var maxLoopLagP999Ms: Double = 10
        /// Event loops for callers; 0 means one per 500 callers in progress, up to one per core (`callerLoops`).
        public var threads: Int = 0
    }

    public var name: String
    /// The file it came from, for messages and reports.
    public var path: String
    public var target = Target()
    public var agent = AgentBehavior()
    /// The embedded agent's reply clip, resolved against the scenario's directory; nil synthesises a tone.
    public var agentReply: String?
    public var load = Load()
    public var session = Session()
    public var harness = Harness()
    public var thresholds: [Threshold] = []
    /// Baseline gates from `thresholds.baseline`; nil when the scenario names none.
    public var baseline: BaselinePlan?
    /// Network profiles to run, each a cell of the run's matrix (built-in names or custom `networks:` entries).
    public var network: [LinkProfile] = [LinkProfile.named("clean")!]
    /// Transports to run every profile over (`matrix.transports`); the target's transport alone when nil.
    public var matrixTransports: [TransportKind]?

    /// The transports of the matrix.
    public var transports: [TransportKind] { self.matrixTransports ?? [self.target.transport] }

    /// The codec a transport uses in this scenario: `target.codec` for the target's transport, else its default (the
    /// first of its own codecs, or PCM16 at 16 kHz for one whose dialect carries the audio).
    public func codec(for transport: TransportKind) -> String {
        if transport == self.target.transport { return self.target.codec }
        return ScenarioValidator.transportCodecs[transport]?.first ?? "pcm16/16000"
    }
    public var seed: UInt64 = 1

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
