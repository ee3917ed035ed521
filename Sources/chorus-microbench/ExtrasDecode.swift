import ExtrasBase64
import NIOCore

/// swift-extras-base64 decoding straight into a `ByteBuffer`, the way `ChorusDialects.Base64` appends to one.
enum ExtrasDecode {
    /// Appends the bytes `text` encodes to `buffer`; false (nothing written) when it is not base64.
    static func append(_ text: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) -> Bool {
        guard !text.isEmpty else { return true }
        var ok = true
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Base64.decodedLength(bytesCount: text.count)) { out in
            var output = out.bindMemory(to: UInt8.self).mutableSpan
            do {
                return try Base64.decode(bytes: text.assumingMemoryBound(to: UInt8.self).span, into: &output)
            } catch {
                ok = false
                return 0
            }
        }
        return ok
    }
}
