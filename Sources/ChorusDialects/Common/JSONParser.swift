/// Why a text could not be read as JSON, and at which byte.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "\(self.reason) at byte \(self.offset)" }
}

/// A strict RFC 8259 reader over UTF-8 bytes, for agent messages.
///
/// Written for the receive path rather than taking Foundation's `JSONSerialization` or `JSONDecoder`, which are 1.6 to
/// 4 times slower on agent messages (docs/dialects.md). It works on the frame's bytes in place, keeps numbers and
/// Booleans apart (Foundation on Linux hands both back as `NSNumber`), rejects invalid UTF-8 inside strings, and
/// bounds nesting so a hostile message cannot exhaust the stack.
public struct JSONParser {
    /// Deeper documents are rejected; no voice-agent message nests more than a few levels.
    public static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses one complete document (any JSON value, surrounded by optional whitespace).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("trailing characters after the document") }
        return value
    }

    /// Parses a document held in a `String`.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { utf8 in
            Result { () throws(JSONParseError) -> JSONValue in try Self.parse(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard self.index < self.bytes.count else { throw self.failure("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.parseNumber())
        default: throw self.failure("unexpected character")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try self.enter()
        self.index += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        self.skipWhitespace()
        if self.peek == UInt8(ascii: "}") {
            self.index += 1
            self.depth -= 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.peek == UInt8(ascii: "\"") else { throw self.failure("expected a member name") }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.peek == UInt8(ascii: ":") else { throw self.failure("expected ':'") }
            self.index += 1
            self.skipWhitespace()
            members.append((key: key, value: try self.parseValue()))
            self.skipWhitespace()
            switch self.peek {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                self.depth -= 1
                return .object(members)
            default: throw self.failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try self.enter()
        self.index += 1  // [
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.peek == UInt8(ascii: "]") {
            self.index += 1
            self.depth -= 1
            return .array(elements)
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue())
            self.skipWhitespace()
            switch self.peek {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                self.depth -= 1
                return .array(elements)
            default: throw self.failure("expected ',' or ']'")
            }
        }
    }

    private mutating func enter() throws(JSONParseError) {
        self.depth += 1
        guard self.depth <= Self.maximumDepth else { throw self.failure("nested deeper than \(Self.maximumDepth)") }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard self.index + expected.count <= self.bytes.count,
            expected.indices.allSatisfy({ self.bytes[self.index + $0] == expected[$0] })
        else { throw self.failure("invalid literal") }
        self.index += expected.count
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = self.index
        var isInteger = true
        if self.peek == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.peek, Self.isDigit(first) else { throw self.failure("expected a digit") }
        self.index += 1
        if first != UInt8(ascii: "0") { self.skipDigits() }
        if self.peek == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            guard let d = self.peek, Self.isDigit(d) else { throw self.failure("expected a digit after '.'") }
            self.skipDigits()
        }
        if self.peek == UInt8(ascii: "e") || self.peek == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if self.peek == UInt8(ascii: "+") || self.peek == UInt8(ascii: "-") { self.index += 1 }
            guard let d = self.peek, Self.isDigit(d) else { throw self.failure("expected an exponent") }
            self.skipDigits()
        }
        let text = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
        // Short integers (every field these protocols define) skip the string round trip.
        if isInteger, text.count <= 15 {
            var value = 0
            for byte in text where byte != UInt8(ascii: "-") { value = value * 10 + Int(byte &- 48) }
            return Double(text.first == UInt8(ascii: "-") ? -value : value)
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)) else { throw self.failure("invalid number") }
        return value
    }

    private mutating func skipDigits() {
        while let b = self.peek, Self.isDigit(b) { self.index += 1 }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    // MARK: - Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        self.index += 1  // opening quote
        let start = self.index
        // Fast path: no escapes, which covers base64 audio and every identifier. Eight bytes at a time first.
        self.skipPlainWords()
        while self.index < self.bytes.count {
            let b = self.bytes[self.index]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                return try self.validatedString(raw, at: start)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw self.failure("control character in string") }
            self.index += 1
        }
        guard self.index < self.bytes.count else { throw self.failure("unterminated string") }
        return try self.parseEscapedString(from: start)
    }

    /// Advances over whole 8-byte words holding no quote, backslash or control character (SWAR tests).
    private mutating func skipPlainWords() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while self.index + 8 <= self.bytes.count {
            let w = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: self.index, as: UInt64.self))
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
            if special & highs != 0 { return }
            self.index += 8
        }
    }

    private func validatedString(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(JSONParseError) -> String {
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw JSONParseError(offset: offset, reason: "invalid UTF-8 in string")
        }
        return string
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var utf8 = [UInt8](UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]))
        while self.index < self.bytes.count {
            let b = self.bytes[self.index]
            switch b {
            case UInt8(ascii: "\""):
                self.index += 1
                guard let string = String(validating: utf8, as: UTF8.self) else {
                    throw JSONParseError(offset: start, reason: "invalid UTF-8 in string")
                }
                return string
            case UInt8(ascii: "\\"):
                self.index += 1
                try self.appendEscape(to: &utf8)
            case 0..<0x20:
                throw self.failure("control character in string")
            default:
                utf8.append(b)
                self.index += 1
            }
        }
        throw self.failure("unterminated string")
    }

    private mutating func appendEscape(to utf8: inout [UInt8]) throws(JSONParseError) {
        guard let e = self.peek else { throw self.failure("unterminated escape") }
        self.index += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = try self.hex4()
            if (0xD800...0xDBFF).contains(code) {
                guard self.peek == UInt8(ascii: "\\"), self.index + 1 < self.bytes.count,
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                else { throw self.failure("unpaired surrogate") }
                self.index += 2
                let low = try self.hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw self.failure("unpaired surrogate") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw self.failure("unpaired surrogate")
            }
            guard let scalar = Unicode.Scalar(code) else { throw self.failure("invalid \\u escape") }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw self.failure("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = self.bytes[self.index]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw self.failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    // MARK: - Helpers

    private var peek: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    private mutating func skipWhitespace() {
        while let b = self.peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { self.index += 1 }
    }

    private func failure(_ reason: String) -> JSONParseError { JSONParseError(offset: self.index, reason: reason) }
}
