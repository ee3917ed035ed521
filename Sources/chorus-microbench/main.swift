import ChorusDialects
import ExtrasBase64
import Foundation
import NIOCore

// chorus-microbench: the receive-path building blocks (base64, JSON) against the libraries that could replace them,
// on the payloads agents really send. docs/dialects.md records what it printed and what was decided.

var bench = Bench()

// MARK: - Base64

let payloads: [(name: String, bytes: [UInt8])] = [
    ("Twilio 20 ms µ-law, 160 B", AgentMessages.audio(160, seed: 1)),
    ("OpenAI 20 ms PCM16/24k, 960 B", AgentMessages.audio(960, seed: 2)),
    ("OpenAI 100 ms PCM16/24k, 4800 B", AgentMessages.audio(4800, seed: 3)),
]

print("base64 decode (receive path), into a reused ByteBuffer unless said otherwise")
for payload in payloads {
    let text = ChorusDialects.Base64.encode(payload.bytes)
    let data = Data(text)
    var buffer = ByteBuffer()
    print(" \(payload.name) → \(text.count) chars")
    text.withUnsafeBytes { raw in
        buffer.clear()
        precondition(ChorusDialects.Base64.decode(raw, appendingTo: &buffer))
        precondition(Array(buffer.readableBytesView) == payload.bytes)

        bench.measure("ChorusDialects.Base64.decode (ExtrasBase64)") {
            buffer.clear()
            _ = ChorusDialects.Base64.decode(raw, appendingTo: &buffer)
            return buffer.readableBytes
        }
        bench.measure("ExtrasBase64 decode(bytes:) → [UInt8]") {
            (try? ExtrasBase64.Base64.decode(bytes: raw.assumingMemoryBound(to: UInt8.self)))?.count ?? 0
        }
        bench.measure("Foundation Data(base64Encoded:)") { Data(base64Encoded: data)?.count ?? 0 }
    }
}

print("base64 encode (done once per shared frame at load)")
for payload in payloads {
    let data = Data(payload.bytes)
    print(" \(payload.name)")
    bench.measure("ChorusDialects.Base64.encode (ExtrasBase64)") { ChorusDialects.Base64.encode(payload.bytes).count }
    bench.measure("Foundation base64EncodedData") { data.base64EncodedData().count }
}

// MARK: - JSON

let openAI = OpenAIRealtimeDecoder(decodesAudio: true)
let twilio = TwilioAgentDecoder(expectedStreamSid: AgentMessages.streamSid)
let jsonDecoder = JSONDecoder()

/// One agent message: its text, the Chorus decoder over its bytes, and `JSONDecoder` into its shape.
struct JSONCase {
    var name: String
    var text: String
    var chorusDecode: (ByteBuffer) -> Int
    var foundationDecode: (Data) -> Int
}

let cases = [
    JSONCase(
        name: "OpenAI output_audio.delta, 20 ms", text: AgentMessages.openAIDelta(AgentMessages.audio(960, seed: 2)),
        chorusDecode: { (try? openAI.decode($0).get()) == nil ? 0 : 1 },
        foundationDecode: { (try? jsonDecoder.decode(FoundationShapes.OpenAIDelta.self, from: $0))?.delta.utf8.count ?? 0 }
    ),
    JSONCase(
        name: "OpenAI output_audio.delta, 100 ms", text: AgentMessages.openAIDelta(AgentMessages.audio(4800, seed: 3)),
        chorusDecode: { (try? openAI.decode($0).get()) == nil ? 0 : 1 },
        foundationDecode: { (try? jsonDecoder.decode(FoundationShapes.OpenAIDelta.self, from: $0))?.delta.utf8.count ?? 0 }
    ),
    JSONCase(
        name: "OpenAI response.done", text: AgentMessages.openAIResponseDone,
        chorusDecode: { (try? openAI.decode($0).get()) == nil ? 0 : 1 },
        foundationDecode: {
            (try? jsonDecoder.decode(FoundationShapes.OpenAIResponseDone.self, from: $0))?.response.status.utf8.count ?? 0
        }
    ),
    JSONCase(
        name: "Twilio media (agent), 20 ms", text: AgentMessages.twilioMedia(AgentMessages.audio(160, seed: 1)),
        chorusDecode: { (try? twilio.decode($0).get()) == nil ? 0 : 1 },
        foundationDecode: {
            (try? jsonDecoder.decode(FoundationShapes.TwilioMessage.self, from: $0))?.media?.payload.utf8.count ?? 0
        }
    ),
    JSONCase(
        name: "Twilio mark", text: AgentMessages.twilioMark,
        chorusDecode: { (try? twilio.decode($0).get()) == nil ? 0 : 1 },
        foundationDecode: { (try? jsonDecoder.decode(FoundationShapes.TwilioMessage.self, from: $0))?.mark?.name.utf8.count ?? 0 }
    ),
]

print("JSON (receive path): parse only, each library given the bytes it takes (ByteBuffer or Data, built beforehand)")
for c in cases {
    let buffer = ByteBuffer(string: c.text)
    let data = Data(c.text.utf8)
    print(" \(c.name), \(c.text.utf8.count) B")
    precondition(c.chorusDecode(buffer) == 1 && c.foundationDecode(data) > 0)
    let parser = bench.measure("JSONParser.parse") {
        buffer.withUnsafeReadableBytes { bytes in (try? JSONParser.parse(bytes))?.isObject == true ? 1 : 0 }
    }
    let serialization = bench.measure("JSONSerialization.jsonObject") {
        (try? JSONSerialization.jsonObject(with: data)) is [String: Any] ? 1 : 0
    }
    let decoder = bench.measure("JSONDecoder → Decodable of the read fields") { c.foundationDecode(data) }
    print(
        "  → JSONSerialization / JSONParser = \(String(format: "%.1f", serialization / parser))×,"
            + " JSONDecoder / JSONParser = \(String(format: "%.1f", decoder / parser))×")
    bench.measure("Chorus decoder, whole message (audio decoded)") { c.chorusDecode(buffer) }
    bench.measure("ByteBuffer → Data copy Foundation would add") {
        buffer.withUnsafeReadableBytes { Data($0).count }
    }
}

WebRTCCosts.run(&bench)

print("checksum \(bench.checksum)")
