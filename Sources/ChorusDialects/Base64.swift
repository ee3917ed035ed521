import NIOCore

/// Standard base64 (RFC 4648 §4, `+/`, `=` padding), the alphabet both OpenAI and Twilio use for audio.
///
/// Encoding happens once per shared frame at load; decoding runs per agent audio message, straight from the
/// message's bytes into a `ByteBuffer`.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0...63 for alphabet bytes, 0xFF for anything else.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in Base64.alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// How many characters encoding `byteCount` bytes produces (padding included).
    public static func encodedLength(_ byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    /// The base64 text of `bytes`, as ASCII bytes.
    public static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity(Self.encodedLength(input.count))
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(Self.alphabet[Int(n >> 18 & 63)])
            out.append(Self.alphabet[Int(n >> 12 & 63)])
            out.append(Self.alphabet[Int(n >> 6 & 63)])
            out.append(Self.alphabet[Int(n & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest > 0 {
            let n = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
            out.append(Self.alphabet[Int(n >> 18 & 63)])
            out.append(Self.alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? Self.alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return out
    }

    /// The base64 text of `bytes` as a `String`.
    public static func encodedString(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: Self.encode(bytes), as: UTF8.self)
    }

    /// How many bytes `text` decodes to, from its length and padding alone; nil when the length is impossible.
    ///
    /// Lets a caller account for agent audio without decoding it (the characters are not checked).
    public static func decodedLength(ofEncoded text: UnsafeRawBufferPointer) -> Int? {
        var count = text.count
        var padding = 0
        while padding < 2, count > 0, text[count - 1] == UInt8(ascii: "=") {
            count -= 1
            padding += 1
        }
        if padding > 0 && (count + padding) % 4 != 0 { return nil }
        switch count % 4 {
        case 0: return count / 4 * 3
        case 2: return count / 4 * 3 + 1
        case 3: return count / 4 * 3 + 2
        default: return nil
        }
    }

    /// Decodes `text` and appends the bytes to `buffer`; false (buffer unchanged) when `text` is not base64.
    ///
    /// Padding may be present or omitted; whitespace and the URL-safe alphabet are rejected.
    public static func decode(_ text: UnsafeRawBufferPointer, appendingTo buffer: inout ByteBuffer) -> Bool {
        guard let length = Self.decodedLength(ofEncoded: text) else { return false }
        let significant = text.count - Self.paddingCount(text)
        var valid = true
        _ = Self.values.withUnsafeBufferPointer { table in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out -> Int in
                var o = 0
                var i = 0
                while i + 4 <= significant {
                    let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                    let c = table[Int(text[i + 2])], d = table[Int(text[i + 3])]
                    if (a | b | c | d) & 0xC0 != 0 {
                        valid = false
                        return 0
                    }
                    let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: n >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: n)
                    o += 3
                    i += 4
                }
                let rest = significant - i
                if rest >= 2 {
                    let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                    let c = rest == 3 ? table[Int(text[i + 2])] : 0
                    if (a | b | c) & 0xC0 != 0 {
                        valid = false
                        return 0
                    }
                    let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                    out[o] = UInt8(truncatingIfNeeded: n >> 16)
                    o += 1
                    if rest == 3 {
                        out[o] = UInt8(truncatingIfNeeded: n >> 8)
                        o += 1
                    }
                }
                return o
            }
        }
        return valid
    }

    private static func paddingCount(_ text: UnsafeRawBufferPointer) -> Int {
        var padding = 0
        while padding < 2, padding < text.count, text[text.count - 1 - padding] == UInt8(ascii: "=") { padding += 1 }
        return padding
    }

    /// Decodes a base64 `String`; nil when it is not base64.
    public static func decode(_ text: String) -> ByteBuffer? {
        var text = text
        var buffer = ByteBuffer()
        let ok = text.withUTF8 { Self.decode(UnsafeRawBufferPointer($0), appendingTo: &buffer) }
        return ok ? buffer : nil
    }
}
