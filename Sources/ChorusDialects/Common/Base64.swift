import ExtrasBase64
import NIOCore

/// Standard base64 (RFC 4648 §4, `+/`, `=` padding), the alphabet both OpenAI and Twilio use for audio.
///
/// A thin layer over swift-extras-base64 (faster than the hand-written codec it replaced: docs/dialects.md) that
/// decodes straight from a message's bytes into a `ByteBuffer` and keeps the strictness agents are held to.
public enum Base64 {
    /// How many characters encoding `byteCount` bytes produces (padding included).
    public static func encodedLength(_ byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    /// The base64 text of `bytes`, as ASCII bytes.
    public static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        ExtrasBase64.Base64.encodeToBytes(bytes: bytes)
    }

    /// The base64 text of `bytes` as a `String`.
    public static func encodedString(_ bytes: some Collection<UInt8>) -> String {
        ExtrasBase64.Base64.encodeToString(bytes: bytes)
    }

    /// How many bytes `text` decodes to, from its length and padding alone; nil when the length is impossible.
    ///
    /// Lets a caller account for agent audio without decoding it (the characters are not checked).
    public static func decodedLength(ofEncoded text: UnsafeRawBufferPointer) -> Int? {
        let padding = Self.paddingCount(text)
        let count = text.count - padding
        if padding > 0 && text.count % 4 != 0 { return nil }
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
        let padding = Self.paddingCount(text)
        let significant = text.count - padding
        guard padding == 0 || text.count % 4 == 0, significant % 4 != 1 else { return false }
        // The library reads a '=' third in the last quantum as padding ("AA=A"); nothing may follow padding.
        if significant >= 2, text[significant - 2] == UInt8(ascii: "=") { return false }
        guard significant > 0 else { return true }
        let input = UnsafeBufferPointer(rebasing: text.assumingMemoryBound(to: UInt8.self)[..<significant])
        var valid = true
        // Room for whole quanta: up to two bytes more than the text decodes to.
        let room = ExtrasBase64.Base64.decodedLength(bytesCount: significant)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { out -> Int in
            var output = out.bindMemory(to: UInt8.self).mutableSpan
            do {
                return try ExtrasBase64.Base64.decode(bytes: input.span, into: &output, options: .omitPaddingCharacter)
            } catch {
                valid = false
                return 0
            }
        }
        return valid
    }

    /// Decodes a base64 `String`; nil when it is not base64.
    public static func decode(_ text: String) -> ByteBuffer? {
        var text = text
        var buffer = ByteBuffer()
        let ok = text.withUTF8 { Self.decode(UnsafeRawBufferPointer($0), appendingTo: &buffer) }
        return ok ? buffer : nil
    }

    private static func paddingCount(_ text: UnsafeRawBufferPointer) -> Int {
        var padding = 0
        while padding < 2, padding < text.count, text[text.count - 1 - padding] == UInt8(ascii: "=") { padding += 1 }
        return padding
    }
}
