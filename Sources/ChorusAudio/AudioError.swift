/// Why an audio operation failed: a stable code to match on, and a message for people.
///
/// Messages name the file for file errors and carry libopus's `opus_strerror` or libsndfile's `sf_strerror`
/// text for codec and file-format errors.
public struct AudioError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of failure this is. A struct rather than an enum, so adding a code breaks nobody's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case fileNotFound, unreadableFile, emptyAudio, noSpeech, unsupportedSampleRate, invalidArgument
            case resampling, opus
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The audio file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// libsndfile could not open or read the file (unknown format, corrupt, permissions).
        public static let unreadableFile = Code(.unreadableFile)
        /// The audio holds no samples.
        public static let emptyAudio = Code(.emptyAudio)
        /// Every part of the audio is quieter than the speech threshold.
        public static let noSpeech = Code(.noSpeech)
        /// The sample rate cannot be used here (not a whole number of samples per 20 ms, or not an Opus rate).
        public static let unsupportedSampleRate = Code(.unsupportedSampleRate)
        /// An argument is out of range, such as a PCM frame of the wrong length.
        public static let invalidArgument = Code(.invalidArgument)
        /// libsamplerate reported an error.
        public static let resampling = Code(.resampling)
        /// libopus reported an error.
        public static let opus = Code(.opus)

        /// The code's name, such as `fileNotFound`.
        public var description: String { self.base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable explanation, naming the file when there is one.
    public let message: String

    /// Creates an error from a code and a human-readable message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, prefixed by the code: `fileNotFound: audio file not found: /tmp/x.wav`.
    public var description: String { "\(self.code): \(self.message)" }
}
