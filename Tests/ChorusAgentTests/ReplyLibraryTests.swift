import Testing

@testable import ChorusAgent

@Suite struct ReplyLibraryTests {
    @Test func synthesisedReplyHasFramesAtEveryDialectRate() throws {
        let library = try ReplyLibrary(path: nil)
        for rate in [8000, 16000, 24000] {
            let frames = try #require(library.frames(sampleRate: rate))
            #expect(!frames.isEmpty)
            #expect(frames.allSatisfy { $0.readableBytes == rate / 50 * 2 })
        }
    }
}
