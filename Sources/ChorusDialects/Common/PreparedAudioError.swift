/// A frame handed to a `PreparedAudio` that is not exactly one 20 ms frame of the declared format.
public struct PreparedAudioError: Error, Sendable, Hashable, CustomStringConvertible {
    public var frameIndex: Int
    public var byteCount: Int
    public var expectedByteCount: Int

    public init(frameIndex: Int, byteCount: Int, expectedByteCount: Int) {
        self.frameIndex = frameIndex
        self.byteCount = byteCount
        self.expectedByteCount = expectedByteCount
    }

    public var description: String {
        "frame \(self.frameIndex) has \(self.byteCount) bytes; a 20 ms frame of this format has \(self.expectedByteCount)"
    }

    static func check(_ frames: [[UInt8]], frameBytes: Int) throws(PreparedAudioError) {
        if let bad = frames.firstIndex(where: { $0.count != frameBytes }) {
            throw PreparedAudioError(frameIndex: bad, byteCount: frames[bad].count, expectedByteCount: frameBytes)
        }
    }
}
