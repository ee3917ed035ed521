import ChorusDialects
import Foundation
import NIOCore
import Testing

@Suite("JSON reading and writing")
struct JSONValueTests {
    /// Foundation's reading of the same text, converted, as the oracle.
    static func oracle(_ text: String) throws -> JSONValue {
        func convert(_ any: Any) -> JSONValue {
            switch any {
            case is NSNull: return .null
            case let s as String: return .string(s)
            case let n as NSNumber:
                // Foundation on Linux returns Booleans as NSNumber too; only the type encoding tells them apart.
                if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
                return .number(n.doubleValue)
            case let a as [Any]: return .array(a.map(convert))
            case let o as [String: Any]: return .object(o.map { (key: $0.key, value: convert($0.value)) })
            default: return .null
            }
        }
        return convert(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed))
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #" { "spaced" : [ 1 , 2 ] } "#,
        #"{"n":-0.5,"e":1e3,"E":2.5E-3,"big":12345678901234567,"zero":0,"neg":-42}"#,
        #"{"esc":"q\"b\\s\/n\nr\rt\tb\bf\fu\u00e9\u20ac\ud83d\ude00"}"#,
        #"{"utf8":"ünïcödé ✓ 😀","empty":"","arr":[],"obj":{}}"#,
        #"[[[]]]"#,
        #""top""#,
        "3.25",
    ])
    func readsLikeFoundation(text: String) throws {
        #expect(try JSONParser.parse(text) == Self.oracle(text))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'x'", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "NaN", "\"unterminated", "\"tab\tinside\"", "\"bad \\x escape\"", "\"\\u12\"",
        "\"\\udc00\"", "\"\\ud800\\u0041\"", "[1] [2]", "{\"a\":1}}",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// The string scanner tests eight bytes at a time; specials must be found at every offset within a word.
    @Test func specialCharactersAreFoundAtEveryAlignment() throws {
        for k in 0..<24 {
            let pad = String(repeating: "a", count: k)
            let text = #"{"s":"\#(pad)\"x\\y\#(pad)ü\#(pad)\n"}"#
            #expect(try JSONParser.parse(text) == Self.oracle(text))
            #expect(try JSONParser.parse(text)["s"] == .string(pad + "\"x\\y" + pad + "ü" + pad + "\n"))
            #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(pad)\u{01}\(pad)\"") }
            #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(pad)\(pad)") }
            #expect(try JSONParser.parse("\"\(pad)\"") == .string(pad))
        }
    }

    @Test func invalidUTF8InAStringIsRejected() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            let buffer = ByteBuffer(bytes: bytes)
            #expect(throws: JSONParseError.self) { try buffer.withUnsafeReadableBytes { try JSONParser.parse($0) } }
        }
    }

    @Test func writesCompactJSONThatReadsBack() throws {
        let value: JSONValue = [
            "s": "quote \" backslash \\ newline \n control \u{01} ünï 😀", "i": 24000, "d": 0.5, "neg": -3, "t": true,
            "n": nil, "a": [1, "two", [3]], "o": ["x": ["y": 1.25]],
        ]
        let text = value.serialized
        #expect(text.hasPrefix(#"{"s":"quote \" backslash \\ newline \n control \u0001"#))
        #expect(text.contains(#""i":24000,"d":0.5,"neg":-3,"t":true,"n":null"#))
        #expect(try JSONParser.parse(text) == value)
        #expect(try Self.oracle(text) == value)
        #expect(JSONValue.number(.nan).serialized == "null")
    }

    @Test func equalityIgnoresMemberOrderButNotTypes() {
        #expect((["a": 1, "b": 2] as JSONValue) == ["b": 2, "a": 1])
        #expect((["a": "1"] as JSONValue) != ["a": 1])
        #expect((["a": 1] as JSONValue) != ["a": 1, "b": 2])
        #expect((["a": true] as JSONValue) != ["a": 1])
    }

    @Test func accessors() {
        let v: JSONValue = ["i": 3, "f": 3.5, "s": "x", "b": false, "a": [1]]
        #expect(v["i"]?.intValue == 3)
        #expect(v["f"]?.intValue == nil && v["f"]?.doubleValue == 3.5)
        #expect(v["s"]?.stringValue == "x" && v["s"]?.intValue == nil)
        #expect(v["b"]?.boolValue == false)
        #expect(v["a"]?.arrayValue == [1])
        #expect(v["missing"] == nil)
        #expect(JSONValue.string("x")["key"] == nil)
    }
}
