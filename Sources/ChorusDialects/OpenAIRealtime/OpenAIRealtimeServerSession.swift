import Foundation

/// Why a client event was refused: the `error` object of an OpenAI Realtime `error` event.
struct OpenAIRealtimeProblem: Error, Sendable {
    var type = "invalid_request_error"
    var code: String
    var message: String
    var param: String?
}

/// The effective configuration of one OpenAI Realtime (GA) session as the reference agent plays it: what
/// `session.update` may change and what `session.created` / `session.updated` report.
struct OpenAIRealtimeServerSession: Sendable {
    /// `server_vad` or `semantic_vad` settings; nil `turnDetection` means manual turns (`turn_detection: null`).
    struct TurnDetection: Sendable {
        var type = "server_vad"
        var threshold = 0.5
        var prefixPaddingMs = 300
        var createResponse = true
        var interruptResponse = true
        var eagerness = "auto"
        var idleTimeoutMs: Int?
    }

    let id: String
    let model: String
    var instructions = ""
    var inputFormat: OpenAIRealtimeAudioFormat = .pcm
    var outputFormat: OpenAIRealtimeAudioFormat = .pcm
    var turnDetection: TurnDetection? = TurnDetection()
    var voice = "marin"
    var speed = 1.0
    /// The agent's own end-of-speech hangover, reported as `silence_duration_ms` (the agent's script decides it).
    let silenceDurationMs: Int
    let expiresAt: Int

    init(id: String, model: String, silenceDurationMs: Int) {
        self.id = id
        self.model = model
        self.silenceDurationMs = silenceDurationMs
        self.expiresAt = Int(Date().timeIntervalSince1970) + 3600
    }

    /// Members of the retired beta `session` object that GA does not have (docs/dialects.md, openai-realtime).
    static let betaMembers: Set<String> = [
        "modalities", "input_audio_format", "output_audio_format", "turn_detection", "input_audio_transcription",
        "input_audio_noise_reduction", "voice", "max_response_output_tokens", "temperature",
    ]

    /// Whether `session` is in the beta flat shape.
    static func isBetaShape(_ session: JSONValue) -> Bool {
        guard case .object(let members) = session else { return false }
        return members.contains { Self.betaMembers.contains($0.key) }
    }

    /// Applies a GA `session.update`'s `session` object: all of it, or nothing when a member is invalid.
    mutating func apply(_ s: JSONValue) throws(OpenAIRealtimeProblem) {
        guard s.isObject else { throw Self.invalid("session", "session must be an object") }
        var next = self
        switch s["type"] {
        case .string("realtime")?: break
        case .string(let other)?:
            throw Self.invalid("session.type", "this agent only runs 'realtime' sessions, not '\(other)'")
        case nil, .null?:
            throw OpenAIRealtimeProblem(
                code: "missing_required_parameter", message: "Missing required parameter: 'session.type'.",
                param: "session.type")
        default: throw Self.invalid("session.type", "session.type must be a string")
        }
        if let model = s["model"]?.stringValue, model != self.model {
            throw Self.invalid("session.model", "the model cannot be changed after the session was created")
        }
        if let instructions = s["instructions"] {
            guard let text = instructions.stringValue else {
                throw Self.invalid("session.instructions", "not a string")
            }
            next.instructions = text
        }
        if let modalities = s["output_modalities"] {
            guard modalities == ["audio"] else {
                throw Self.invalid("session.output_modalities", "this agent only answers with audio: use [\"audio\"]")
            }
        }
        if let input = s["audio"]?["input"] {
            if let format = input["format"] { next.inputFormat = try Self.format(format, "session.audio.input.format") }
            if let detection = input["turn_detection"] { next.turnDetection = try Self.turnDetection(detection) }
        }
        if let output = s["audio"]?["output"] {
            if let format = output["format"] {
                next.outputFormat = try Self.format(format, "session.audio.output.format")
            }
            if let voice = output["voice"] {
                guard let name = voice.stringValue ?? voice["id"]?.stringValue else {
                    throw Self.invalid("session.audio.output.voice", "not a voice name")
                }
                next.voice = name
            }
            if let speed = output["speed"] {
                guard let value = speed.doubleValue, (0.25...1.5).contains(value) else {
                    throw Self.invalid("session.audio.output.speed", "speed must be between 0.25 and 1.5")
                }
                next.speed = value
            }
        }
        self = next
    }

    private static func format(_ json: JSONValue, _ param: String) throws(OpenAIRealtimeProblem)
        -> OpenAIRealtimeAudioFormat
    {
        switch json["type"]?.stringValue {
        case "audio/pcm"?:
            if let rate = json["rate"], rate.intValue != 24_000 {
                throw Self.invalid(param + ".rate", "audio/pcm is only supported at 24000 Hz")
            }
            return .pcm
        case "audio/pcmu"?:
            return .pcmu
        case "audio/pcma"?:
            throw Self.invalid(
                param + ".type", "this reference agent supports audio/pcm and audio/pcmu, not audio/pcma")
        default:
            throw Self.invalid(param + ".type", "expected an object with type 'audio/pcm' or 'audio/pcmu'")
        }
    }

    private static func turnDetection(_ json: JSONValue) throws(OpenAIRealtimeProblem) -> TurnDetection? {
        if json == .null { return nil }
        let param = "session.audio.input.turn_detection"
        guard let type = json["type"]?.stringValue, type == "server_vad" || type == "semantic_vad" else {
            throw Self.invalid(param + ".type", "expected 'server_vad', 'semantic_vad' or null")
        }
        var detection = TurnDetection()
        detection.type = type
        if let threshold = json["threshold"]?.doubleValue { detection.threshold = threshold }
        if let padding = json["prefix_padding_ms"]?.intValue { detection.prefixPaddingMs = max(0, padding) }
        if let create = json["create_response"]?.boolValue { detection.createResponse = create }
        if let interrupt = json["interrupt_response"]?.boolValue { detection.interruptResponse = interrupt }
        if let eagerness = json["eagerness"]?.stringValue { detection.eagerness = eagerness }
        detection.idleTimeoutMs = json["idle_timeout_ms"]?.intValue
        return detection
    }

    private static func invalid(_ param: String, _ message: String) -> OpenAIRealtimeProblem {
        OpenAIRealtimeProblem(code: "invalid_value", message: message, param: param)
    }

    // MARK: - Reporting

    /// The full effective session, as `session.created` and `session.updated` carry it.
    var json: JSONValue {
        [
            "type": "realtime", "object": "realtime.session", "id": .string(self.id), "model": .string(self.model),
            "output_modalities": ["audio"], "instructions": .string(self.instructions), "tools": [],
            "tool_choice": "auto", "max_output_tokens": "inf", "tracing": nil, "truncation": "auto", "prompt": nil,
            "expires_at": .number(Double(self.expiresAt)),
            "audio": [
                "input": [
                    "format": self.inputFormat.json, "transcription": nil, "noise_reduction": nil,
                    "turn_detection": self.turnDetectionJSON,
                ],
                "output": [
                    "format": self.outputFormat.json, "voice": .string(self.voice), "speed": .number(self.speed),
                ],
            ],
            "include": nil,
        ]
    }

    private var turnDetectionJSON: JSONValue {
        guard let d = self.turnDetection else { return .null }
        if d.type == "semantic_vad" {
            return [
                "type": "semantic_vad", "eagerness": .string(d.eagerness), "create_response": .bool(d.createResponse),
                "interrupt_response": .bool(d.interruptResponse),
            ]
        }
        return [
            "type": "server_vad", "threshold": .number(d.threshold),
            "prefix_padding_ms": .number(Double(d.prefixPaddingMs)),
            "silence_duration_ms": .number(Double(self.silenceDurationMs)),
            "idle_timeout_ms": d.idleTimeoutMs.map { .number(Double($0)) } ?? .null,
            "create_response": .bool(d.createResponse), "interrupt_response": .bool(d.interruptResponse),
        ]
    }
}
