import ChorusDialects
import Foundation
import NIOCore
import Testing

@Suite("Base64")
struct Base64Tests {
    @Test func matchesFoundationForEveryLength() {
        var random = SplitMix(state: 3)
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let encoded = Base64.encodedString(bytes)
            #expect(encoded == Data(bytes).base64EncodedString())
            #expect(Base64.encodedLength(length) == encoded.utf8.count)
            #expect(Base64.decode(encoded).map { Array(buffer: $0) } == bytes)
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            #expect(Base64.decode(unpadded).map { Array(buffer: $0) } == bytes)
        }
    }

    @Test(arguments: [
        "A", "AAAAA", "AA=A", "AAAAAA=A", "A=AA", "AA=", "A===", "====", "AA AA", "AA\nAA", "ab-_", "abc!", "AAA=A",
    ])
    func rejectsNonBase64(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func decodingAppendsToExistingBytes() {
        var buffer = ByteBuffer(bytes: [9])
        let ok = Array("AQID".utf8).withUnsafeBytes { Base64.decode($0, appendingTo: &buffer) }
        #expect(ok && Array(buffer: buffer) == [9, 1, 2, 3])
        let bad = Array("AQ!D".utf8).withUnsafeBytes { Base64.decode($0, appendingTo: &buffer) }
        #expect(!bad && Array(buffer: buffer) == [9, 1, 2, 3])
    }
}
