import ChorusAgent
import ChorusAudio
import ChorusDialects
import NIOCore
import NIOWebSocket
import Testing

extension AgentLoopbackTests {
    @Suite struct OpenAIRealtime {
        static func connect(_ port: Int, headers: [(String, String)] = []) async throws -> TestWebSocketClient {
            try await TestWebSocketClient.connect(port: port, path: "/v1/realtime?model=gpt-realtime", headers: headers)
                .client()
        }

        /// `input_audio_buffer.append` messages for 20 ms PCM16 24 kHz frames.
        static func appends(_ frames: [[Int16]]) -> [WebSocketFrame] {
            frames.map {
                TestWebSocketClient.text(
                    OpenAIRealtimeCaller.appendAudio(base64: Base64.encodedString(Signal.pcm16LE($0))))
            }
        }

        /// Event types in order, with runs of audio deltas collapsed to `delta×N`.
        static func shape(_ events: [JSONValue]) -> [String] {
            collapsingRuns(
                of: "response.output_audio.delta", as: "delta", in: events.map { $0["type"]?.stringValue ?? "?" })
        }

        @Test func sessionCreatedHasTheGAShape() async throws {
            try await withAgent { _, port in
                let client = try await Self.connect(port)
                let created = try await client.next().json()
                #expect(created["type"] == "session.created")
                #expect(created["event_id"]?.stringValue?.hasPrefix("event_") == true)
                let session = try #require(created["session"])
                #expect(session["type"] == "realtime")
                #expect(session["id"]?.stringValue?.hasPrefix("sess_") == true)
                #expect(session["model"] == "gpt-realtime")
                #expect(session["audio"]?["input"]?["format"] == ["type": "audio/pcm", "rate": 24000])
                #expect(session["audio"]?["input"]?["turn_detection"]?["type"] == "server_vad")
                #expect(session["audio"]?["output"]?["format"] == ["type": "audio/pcm", "rate": 24000])
                await client.close()
            }
        }

        @Test func serverVADTurn() async throws {
            try await withAgent { agent, port in
                let client = try await Self.connect(port, headers: [("X-Chorus-Session", "oa-1")])
                _ = try await client.next()  // session.created
                let update = OpenAIRealtimeSessionConfiguration(inputFormat: .pcm, outputFormat: .pcm)
                client.send(text: OpenAIRealtimeCaller.sessionUpdate(update, eventId: "u1"))
                let updated = try await client.next().json()
                #expect(updated["type"] == "session.updated")
                #expect(updated["session"]?["audio"]?["input"]?["turn_detection"]?["type"] == "server_vad")

                client.stream(Self.appends(Signal.utterance(sampleRate: 24000, silenceFrames: 160)))
                let frames = try await client.collect(until: { try $0.json()["type"] == "response.done" })
                let events = try frames.map { try $0.json() }
                #expect(
                    Self.shape(events) == [
                        "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                        "input_audio_buffer.committed", "response.created", "response.output_item.added", "delta×100",
                        "response.output_audio.done", "response.output_item.done", "response.done",
                    ])
                #expect(events.allSatisfy { $0["event_id"]?.stringValue?.hasPrefix("event_") == true })
                let started = try #require(events.first)
                #expect(started["audio_start_ms"] == 0)
                let stopped = events[1]
                #expect(stopped["audio_end_ms"] == 1000)
                #expect(stopped["item_id"] == started["item_id"])
                #expect(events[2]["item_id"] == started["item_id"])
                #expect(events[2]["previous_item_id"] == .null)
                let responseId = try #require(events[3]["response"]?["id"]?.stringValue)
                #expect(events[3]["response"]?["status"] == "in_progress")
                let deltas = events.filter { $0["type"] == "response.output_audio.delta" }
                #expect(Set(deltas.compactMap { $0["event_id"]?.stringValue }).count == deltas.count)
                for delta in deltas {
                    #expect(delta["response_id"]?.stringValue == responseId)
                    #expect(delta["output_index"] == 0 && delta["content_index"] == 0)
                    #expect(Base64.decode(delta["delta"]?.stringValue ?? "")?.readableBytes == 960)
                }
                let done = try #require(events.last?["response"])
                #expect(done["id"]?.stringValue == responseId)
                #expect(done["status"] == "completed")
                #expect(done["usage"]?.isObject == true)

                let truth = try onlyTruth(agent)
                #expect(truth.session == "oa-1")
                #expect(truth.eosSource == "vad")
                let firstDelta = try #require(frames.first { try $0.json()["type"] == "response.output_audio.delta" })
                expectLatency(firstAudioNs: firstDelta.atNs, truth: truth)
                await client.close()
            }
        }

        @Test func manualTurnsInMuLaw() async throws {
            try await withAgent { agent, port in
                let client = try await Self.connect(port)
                _ = try await client.next()  // session.created
                let update = OpenAIRealtimeSessionConfiguration(
                    inputFormat: .pcmu, outputFormat: .pcmu, turnDetection: .manual)
                client.send(text: OpenAIRealtimeCaller.sessionUpdate(update))
                let updated = try await client.next().json()
                #expect(updated["session"]?["audio"]?["input"]?["turn_detection"] == .null)
                #expect(updated["session"]?["audio"]?["output"]?["format"] == ["type": "audio/pcmu"])

                client.send(text: OpenAIRealtimeCaller.commit(eventId: "c0"))
                let empty = try await client.next().json()
                #expect(empty["error"]?["code"] == "input_audio_buffer_commit_empty")
                #expect(empty["error"]?["event_id"] == "c0")

                for frame in Signal.tone(sampleRate: 8000, frames: 10) {
                    client.send(
                        text: OpenAIRealtimeCaller.appendAudio(base64: Base64.encodedString(G711.muLawEncode(frame))))
                }
                client.send(text: OpenAIRealtimeCaller.commit())
                let committed = try await client.next().json()
                #expect(committed["type"] == "input_audio_buffer.committed")
                client.send(text: OpenAIRealtimeCaller.responseCreate())
                let opening = try await client.collect(until: { try $0.json()["type"] == "response.output_audio.delta" }
                )
                #expect(
                    try opening.map { try $0.json()["type"]?.stringValue ?? "" } == [
                        "response.created", "response.output_item.added", "response.output_audio.delta",
                    ])
                let firstDelta = try #require(opening.last)
                #expect(Base64.decode(try firstDelta.json()["delta"]?.stringValue ?? "")?.readableBytes == 160)

                client.send(text: OpenAIRealtimeCaller.responseCreate(eventId: "r2"))
                client.send(text: OpenAIRealtimeCaller.responseCancel())
                let rest = try await client.collect(until: { try $0.json()["type"] == "response.done" })
                    .map { try $0.json() }.filter { $0["type"] != "response.output_audio.delta" }
                #expect(
                    Self.shape(rest) == [
                        "error", "response.output_audio.done", "response.output_item.done", "response.done",
                    ])
                #expect(rest[0]["error"]?["code"] == "conversation_already_has_active_response")
                #expect(rest[0]["error"]?["event_id"] == "r2")
                #expect(rest[3]["response"]?["status"] == "cancelled")
                #expect(rest[3]["response"]?["status_details"]?["reason"] == "client_cancelled")

                client.send(text: OpenAIRealtimeCaller.responseCancel())
                #expect(try await client.next().json()["error"]?["code"] == "response_cancel_not_active")

                let truth = try onlyTruth(agent)
                #expect(truth.eosSource == "message")
                #expect(truth.session.hasPrefix("sess_"))
                expectLatency(firstAudioNs: firstDelta.atNs, truth: truth)
                await client.close()
            }
        }

        @Test func bargeInCancelsTheResponse() async throws {
            try await withAgent { agent, port in
                let client = try await Self.connect(port)
                _ = try await client.next()  // session.created
                client.stream(Self.appends(Signal.bargeIn(sampleRate: 24000)))
                let frames = try await client.collect(until: { try $0.json()["type"] == "response.done" })
                let events = try frames.map { try $0.json() }
                let shape = Self.shape(events)
                #expect(
                    Array(shape.prefix(5)) == [
                        "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                        "input_audio_buffer.committed", "response.created", "response.output_item.added",
                    ])
                #expect(shape.count == 10 && shape[5].hasPrefix("delta×"))
                #expect(
                    Array(shape.suffix(4)) == [
                        "input_audio_buffer.speech_started", "response.output_audio.done", "response.output_item.done",
                        "response.done",
                    ])
                let done = try #require(events.last?["response"])
                #expect(done["status"] == "cancelled")
                #expect(done["status_details"]?["reason"] == "turn_detected")
                #expect(done["output"]?.arrayValue?.first?["status"] == "incomplete")
                // The cut-short reply keeps its truth: its first frame went out.
                #expect(agent.truth.records.map(\.turn) == [0])
                await client.close()
            }
        }

        @Test func betaSessionShapeIsRefusedAndClosed() async throws {
            try await withAgent { _, port in
                let client = try await Self.connect(port)
                _ = try await client.next()  // session.created
                client.send(
                    text:
                        #"{"type":"session.update","session":{"modalities":["audio","text"],"input_audio_format":"pcm16"}}"#
                )
                let error = try await client.next().json()
                #expect(error["type"] == "error")
                #expect(error["error"]?["code"] == "beta_api_shape_disabled")
                #expect(try await client.next().closeCode == 4000)
            }
        }

        @Test func betaHeaderIsRefusedAndClosed() async throws {
            try await withAgent { _, port in
                let client = try await Self.connect(port, headers: [("OpenAI-Beta", "realtime=v1")])
                let error = try await client.next().json()
                #expect(error["error"]?["code"] == "beta_api_shape_disabled")
                #expect(try await client.next().closeCode == 4000)
            }
        }

        @Test func badEventsGetErrorsAndTheSocketStaysOpen() async throws {
            try await withAgent { _, port in
                let client = try await Self.connect(port)
                _ = try await client.next()  // session.created
                client.send(text: "not json")
                let malformed = try await client.next().json()
                #expect(malformed["type"] == "error")
                #expect(malformed["error"]?["type"] == "invalid_request_error")

                client.send(text: #"{"type":"no.such.event","event_id":"evt_7"}"#)
                let unknown = try await client.next().json()
                #expect(unknown["error"]?["event_id"] == "evt_7")
                #expect(unknown["error"]?["type"] == "invalid_request_error")

                client.send(text: #"{"type":"input_audio_buffer.append","audio":"***"}"#)
                #expect(try await client.next().json()["type"] == "error")

                client.send(text: OpenAIRealtimeCaller.clearInputAudio())
                #expect(try await client.next().json()["type"] == "input_audio_buffer.cleared")

                client.send(text: OpenAIRealtimeCaller.conversationItemTruncate(itemId: "item_x", audioEndMs: 500))
                let truncated = try await client.next().json()
                #expect(truncated["type"] == "conversation.item.truncated")
                #expect(truncated["item_id"] == "item_x")
                #expect(truncated["content_index"] == 0)
                #expect(truncated["audio_end_ms"] == 500)
                await client.close()
            }
        }
    }
}
