import CChorusSRTPCrypto
import Testing

/// `chorus_aes_gcm_*`, AES-128-GCM on the CPU's instructions, held to the test vectors of its specification (McGrew
/// and Viega, "The Galois/Counter Mode of Operation", test cases 2 to 4: one block, four blocks at once, and a
/// partial block with associated data); `SRTPGCMAgainstLibsrtpTests` holds it to libsrtp and OpenSSL packet for
/// packet.
@Suite(.enabled(if: chorus_aes_gcm_available() != 0, "the CPU lacks AES-NI or PCLMULQDQ"))
struct AESGCMTests {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var key, iv, plain, aad, cipher, tag: String
        var testDescription: String { self.name }
    }

    static let key3 = "feffe9928665731c6d6a8f9467308308"
    static let plain3 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let cipher3 =
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"

    static let vectors = [
        Vector(
            name: "test case 2", key: String(repeating: "0", count: 32), iv: String(repeating: "0", count: 24),
            plain: String(repeating: "0", count: 32), aad: "", cipher: "0388dace60b6a392f328c2b971b2fe78",
            tag: "ab6e47d42cec13bdf53a67b21257bddf"),
        Vector(
            name: "test case 3", key: key3, iv: "cafebabefacedbaddecaf888", plain: plain3, aad: "", cipher: cipher3,
            tag: "4d5c2af327cd64a62cf35abd2ba6fab4"),
        Vector(
            name: "test case 4", key: key3, iv: "cafebabefacedbaddecaf888", plain: String(plain3.prefix(120)),
            aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", cipher: String(cipher3.prefix(120)),
            tag: "5bc94fbc3221a5db94fae95ae7121a47"),
    ]

    @Test(arguments: vectors)
    func sealsAndOpensTheSpecificationsVectors(_ vector: Vector) {
        var key = chorus_aes_gcm_key()
        chorus_aes_gcm_init(&key, Self.bytes(vector.key))
        let iv = Self.bytes(vector.iv)
        let aad = Self.bytes(vector.aad)
        var data = Self.bytes(vector.plain)
        var tag = [UInt8](repeating: 0, count: 16)
        chorus_aes_gcm_seal(&key, iv, aad, aad.count, &data, data.count, &tag)
        #expect(data == Self.bytes(vector.cipher))
        #expect(tag == Self.bytes(vector.tag))

        #expect(chorus_aes_gcm_open(&key, iv, aad, aad.count, &data, data.count, tag) == 1)
        #expect(data == Self.bytes(vector.plain))
        // Any flipped bit, in the tag, the ciphertext or the associated data, fails.
        var forged = tag
        forged[15] ^= 0x01
        var copy = Self.bytes(vector.cipher)
        #expect(chorus_aes_gcm_open(&key, iv, aad, aad.count, &copy, copy.count, forged) == 0)
        copy = Self.bytes(vector.cipher)
        copy[copy.count - 1] ^= 0x80
        #expect(chorus_aes_gcm_open(&key, iv, aad, aad.count, &copy, copy.count, tag) == 0)
        if !aad.isEmpty {
            var otherAAD = aad
            otherAAD[0] ^= 0x01
            copy = Self.bytes(vector.cipher)
            #expect(chorus_aes_gcm_open(&key, iv, otherAAD, otherAAD.count, &copy, copy.count, tag) == 0)
        }
    }
}
