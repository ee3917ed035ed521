/// What Chorus puts in the GA `session.update` it sends right after `session.created` (docs/dialects.md).
///
/// Optional members left nil are omitted, so the server keeps its default for them. `model` is normally chosen by
/// the URL (`?model=`) and cannot be changed by an update; set it only to state it explicitly.
public struct OpenAIRealtimeSessionConfiguration: Sendable, Hashable {
    /// How the server decides that the caller's turn is over.
    public enum TurnDetection: Sendable, Hashable {
        /// Energy VAD on the server (the API default).
        case serverVAD(ServerVAD)
        /// Model-judged end of turn.
        case semanticVAD(SemanticVAD)
        /// `turn_detection: null`: the caller commits the buffer and asks for a response itself.
        case manual
    }

    /// `server_vad` parameters; the defaults are the API's.
    public struct ServerVAD: Sendable, Hashable {
        /// Activation threshold, 0–1.
        public var threshold: Double = 0.5
        /// Audio kept before detected speech, ms.
        public var prefixPaddingMs: Int = 300
        /// Silence that ends the turn, ms.
        public var silenceDurationMs: Int = 500
        /// Start a response when speech stops.
        public var createResponse = true
        /// Cancel the running response when speech starts (server-side barge-in).
        public var interruptResponse = true
        /// When set, the server prompts the caller after this much silence (`timeout_triggered`).
        public var idleTimeoutMs: Int?

        public init(
            threshold: Double = 0.5, prefixPaddingMs: Int = 300, silenceDurationMs: Int = 500,
            createResponse: Bool = true, interruptResponse: Bool = true, idleTimeoutMs: Int? = nil
        ) {
            self.threshold = threshold
            self.prefixPaddingMs = prefixPaddingMs
            self.silenceDurationMs = silenceDurationMs
            self.createResponse = createResponse
            self.interruptResponse = interruptResponse
            self.idleTimeoutMs = idleTimeoutMs
        }
    }

    /// `semantic_vad` parameters.
    public struct SemanticVAD: Sendable, Hashable {
        /// `low`, `medium`, `high` or `auto` (= medium): how soon the model takes its turn.
        public var eagerness: String = "auto"
        public var createResponse = true
        public var interruptResponse = true

        public init(eagerness: String = "auto", createResponse: Bool = true, interruptResponse: Bool = true) {
            self.eagerness = eagerness
            self.createResponse = createResponse
            self.interruptResponse = interruptResponse
        }
    }

    /// `session.model`; nil omits it (the URL's `?model=` decides).
    public var model: String?
    /// `output_modalities`: audio (which always comes with a transcript) or text, never both.
    public var outputsText = false
    /// `instructions`; nil omits it, "" clears it.
    public var instructions: String?
    public var inputFormat: OpenAIRealtimeAudioFormat = .pcm
    public var outputFormat: OpenAIRealtimeAudioFormat = .pcm
    public var turnDetection: TurnDetection = .serverVAD(ServerVAD())
    /// `audio.input.transcription.model`; nil omits it (no caller transcript).
    public var transcriptionModel: String?
    /// `audio.input.noise_reduction.type` (`near_field` or `far_field`); nil omits it.
    public var noiseReduction: String?
    /// `audio.output.voice` (`marin`, `cedar`, …); nil omits it. Cannot change once the model has spoken.
    public var voice: String?
    /// `audio.output.speed`, 0.25–1.5; nil omits it.
    public var speed: Double?

    public init(
        model: String? = nil, outputsText: Bool = false, instructions: String? = nil,
        inputFormat: OpenAIRealtimeAudioFormat = .pcm, outputFormat: OpenAIRealtimeAudioFormat = .pcm,
        turnDetection: TurnDetection = .serverVAD(ServerVAD()), transcriptionModel: String? = nil,
        noiseReduction: String? = nil, voice: String? = nil, speed: Double? = nil
    ) {
        self.model = model
        self.outputsText = outputsText
        self.instructions = instructions
        self.inputFormat = inputFormat
        self.outputFormat = outputFormat
        self.turnDetection = turnDetection
        self.transcriptionModel = transcriptionModel
        self.noiseReduction = noiseReduction
        self.voice = voice
        self.speed = speed
    }

    /// The GA `session` object, members in the order docs/dialects.md shows.
    public var json: JSONValue {
        var session: [(key: String, value: JSONValue)] = [("type", "realtime")]
        if let model = self.model { session.append(("model", .string(model))) }
        session.append(("output_modalities", [self.outputsText ? "text" : "audio"]))
        if let instructions = self.instructions { session.append(("instructions", .string(instructions))) }

        var input: [(key: String, value: JSONValue)] = [
            ("format", self.inputFormat.json), ("turn_detection", self.turnDetectionJSON),
        ]
        if let model = self.transcriptionModel { input.append(("transcription", ["model": .string(model)])) }
        if let type = self.noiseReduction { input.append(("noise_reduction", ["type": .string(type)])) }

        var output: [(key: String, value: JSONValue)] = [("format", self.outputFormat.json)]
        if let voice = self.voice { output.append(("voice", .string(voice))) }
        if let speed = self.speed { output.append(("speed", .number(speed))) }

        session.append(("audio", ["input": .object(input), "output": .object(output)]))
        return .object(session)
    }

    /// Always present: `null` is what switches the server's default VAD off.
    private var turnDetectionJSON: JSONValue {
        switch self.turnDetection {
        case .manual:
            return .null
        case .serverVAD(let v):
            var members: [(key: String, value: JSONValue)] = [
                ("type", "server_vad"), ("threshold", .number(v.threshold)),
                ("prefix_padding_ms", .number(Double(v.prefixPaddingMs))),
                ("silence_duration_ms", .number(Double(v.silenceDurationMs))),
                ("create_response", .bool(v.createResponse)), ("interrupt_response", .bool(v.interruptResponse)),
            ]
            if let idle = v.idleTimeoutMs { members.append(("idle_timeout_ms", .number(Double(idle)))) }
            return .object(members)
        case .semanticVAD(let v):
            return [
                "type": "semantic_vad", "eagerness": .string(v.eagerness),
                "create_response": .bool(v.createResponse), "interrupt_response": .bool(v.interruptResponse),
            ]
        }
    }
}
