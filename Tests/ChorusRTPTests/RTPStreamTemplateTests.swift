import ChorusAudio
import ChorusRTP
import Foundation
import Testing

@Suite struct RTPStreamTemplateTests {
    /// One second of a 440 Hz tone at −20 dBFS with 100 ms of silence at each end.
    func utterance(sampleRate: Int) -> Utterance {
        let silence = sampleRate / 10
        let tone = (0..<sampleRate).map { i -> Int16 in
            let sample = 3277 * sin(2 * Double.pi * 440 * Double(i) / Double(sampleRate))
            return Int16(sample)
        }
        let samples = [Int16](repeating: 0, count: silence) + tone + [Int16](repeating: 0, count: silence)
        return Utterance(
            name: "tone",
            sampleRate: sampleRate,
            samples: samples,
            speech: silence..<(silence + sampleRate)
        )
    }

    @Test func writesTheSameBytesAsBuildingThePacket() {
        let template = RTPStreamTemplate(
            payloads: [[1, 2, 3], [4, 5]],
            payloadType: 111,
            timestampIncrement: 960,
            audioLevelID: 1,
            audioLevels: [RTPAudioLevel(level: 20, voice: true)]
        )
        var buffer = [UInt8](repeating: 0xEE, count: template.maxPacketSize)
        for frame in 0..<2 {
            let timestamp = template.timestamp(frame: frame, base: 0xFFFF_FC00)
            let written = buffer.withUnsafeMutableBytes {
                template.write(
                    frame: frame,
                    sequenceNumber: 65535 &+ UInt16(frame),
                    timestamp: timestamp,
                    ssrc: 0xABCD,
                    marker: frame == 0,
                    into: $0
                )
            }
            let level =
                frame == 0
                ? (id: UInt8(1), level: UInt8(20), voice: true) : (id: UInt8(1), level: UInt8(127), voice: false)
            let expected = RTPHeader.packet(
                RTPHeader(
                    marker: frame == 0,
                    payloadType: 111,
                    sequenceNumber: 65535 &+ UInt16(frame),
                    timestamp: timestamp,
                    ssrc: 0xABCD
                ),
                audioLevel: level,
                payload: frame == 0 ? [1, 2, 3] : [4, 5]
            )
            #expect(Array(buffer.prefix(written)) == expected)
        }
        #expect(template.timestamp(frame: 1, base: 0xFFFF_FC00) == 0xFFFF_FC00 &+ 960)
    }

    @Test func overridesTheLevelAndOmitsTheExtensionWhenAsked() throws {
        let withLevel = RTPStreamTemplate(payloads: [[9]], payloadType: 0, timestampIncrement: 160)
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes {
            withLevel.write(
                frame: 0,
                sequenceNumber: 1,
                timestamp: 2,
                ssrc: 3,
                marker: false,
                audioLevel: RTPAudioLevel(level: 33, voice: true),
                into: $0
            )
        }
        #expect(try parseRTP(Array(buffer.prefix(n))).get().audioLevel == RTPAudioLevel(level: 33, voice: true))
        let bare = RTPStreamTemplate(payloads: [[9]], payloadType: 0, timestampIncrement: 160, audioLevelID: nil)
        #expect(bare.packetSize(frame: 0) == 13)
        var tooSmall = [UInt8](repeating: 0, count: 12)
        #expect(
            tooSmall.withUnsafeMutableBytes {
                bare.write(frame: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, marker: false, into: $0)
            } == 0
        )
    }

    @Test func opusTemplateUsesTheFortyEightKilohertzClock() throws {
        let clip = self.utterance(sampleRate: 16_000)
        let template = try OpusRTP.streamTemplate(for: clip)
        #expect(template.frameCount == clip.frameCount && template.timestampIncrement == 960)
        #expect(template.payloadType == 111)
        var buffer = [UInt8](repeating: 0, count: template.maxPacketSize)
        let n = buffer.withUnsafeMutableBytes {
            template.write(
                frame: 20,
                sequenceNumber: 7,
                timestamp: template.timestamp(frame: 20, base: 1000),
                ssrc: 5,
                marker: false,
                into: $0
            )
        }
        let view = try parseRTP(Array(buffer.prefix(n))).get()
        #expect(view.header.timestamp == 1000 + 20 * 960)
        // A −20 dBFS-peak sine is about −23 dBov RMS.
        #expect(view.audioLevel?.voice == true && view.audioLevel?.level == 23)
        #expect(template.audioLevels[0] == RTPAudioLevel(level: 127, voice: false))
        let payload = buffer.withUnsafeBytes { Array(view.payload(in: $0)) }
        let decoded = try OpusDecoder(sampleRate: 16_000).decode(payload, frameSamples: 320)
        #expect(decoded.count == 320)
    }

    @Test func pcmuTemplateCarriesMuLawFramesAtEightKilohertz() throws {
        let clip = self.utterance(sampleRate: 8000)
        let template = try PCMURTP.streamTemplate(for: clip)
        #expect(template.payloadType == 0 && template.timestampIncrement == 160)
        #expect(template.packetSize(frame: 10) == 12 + 8 + 160)
        #expect(Array(template.payload(frame: 10)) == clip.muLawFrames()[10])
        #expect(throws: AudioError.self) { try PCMURTP.streamTemplate(for: self.utterance(sampleRate: 16_000)) }
    }

    @Test func payloadFormatsFollowRFC7587AndRFC3551() {
        let opus = OpusRTP.format()
        #expect(opus.rtpmap == "opus/48000/2" && opus.timestampIncrement == 960 && opus.hasInbandFEC)
        #expect(OpusRTP.format(frameMs: 60).timestampIncrement == 2880)
        #expect(OpusRTP.timestampIncrement(samples: 320, sampleRate: 16_000) == 960)
        #expect(PCMURTP.format.rtpmap == "PCMU/8000" && PCMURTP.format.timestampIncrement == 160)
        let playout = PlayoutConfiguration(format: opus)
        #expect(playout.clockRate == 48_000 && playout.fec && playout.frameDurationNs == 20_000_000)
    }
}
