import ChorusAudio
import Foundation
import Testing

@Suite struct G711Tests {
    @Test(arguments: [
        // (linear, µ-law byte) from the ITU-T/Sun reference tables.
        (Int16(0), UInt8(0xFF)),
        (Int16(1000), UInt8(0xCE)),
        (Int16(-1000), UInt8(0x4E)),
        (Int16.max, UInt8(0x80)),
        (Int16.min, UInt8(0x00)),
    ])
    func encodesReferenceValues(linear: Int16, byte: UInt8) {
        #expect(G711.muLawEncode(linear) == byte)
    }

    @Test(arguments: [
        (UInt8(0xFF), Int16(0)),
        (UInt8(0x7F), Int16(0)),
        (UInt8(0x80), Int16(32124)),
        (UInt8(0x00), Int16(-32124)),
        (UInt8(0xCE), Int16(988)),
    ])
    func decodesReferenceValues(byte: UInt8, linear: Int16) {
        #expect(G711.muLawDecode(byte) == linear)
    }

    @Test func roundTripErrorIsWithinHalfAStep() {
        // The largest step is 1024 (half: 512), plus 132 lost to clipping at 32635 near full scale.
        var worst = 0
        for value in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(value)
            worst = max(worst, abs(Int(G711.muLawDecode(G711.muLawEncode(sample))) - value))
        }
        #expect(worst <= 644)
        for byte in UInt8.min...UInt8.max {
            let decoded = G711.muLawDecode(byte)
            #expect(G711.muLawDecode(G711.muLawEncode(decoded)) == decoded)
        }
    }

    @Test func speechLevelSineKeepsThirtyDecibelsSNR() {
        let sine = TestSignals.tone(frequency: 1000, peakDBFS: -20, ms: 100, sampleRate: 8000)
        let decoded = G711.muLawDecode(G711.muLawEncode(sine))
        let signal = sine.reduce(0.0) { $0 + Double($1) * Double($1) }
        let noise = zip(sine, decoded).reduce(0.0) { $0 + pow2(Double($1.0) - Double($1.1)) }
        #expect(10 * log10(signal / noise) > 30)
    }

    @Test func decodeIntoBufferMatchesArrayDecode() {
        let bytes: [UInt8] = Array(0...255)
        var output = [Int16](repeating: 0, count: 300)
        let n = bytes.withUnsafeBytes { raw in output.withUnsafeMutableBufferPointer { G711.muLawDecode(raw, into: $0) }
        }
        #expect(n == 256)
        #expect(Array(output[0..<256]) == G711.muLawDecode(bytes))
    }
}

private func pow2(_ x: Double) -> Double { x * x }
