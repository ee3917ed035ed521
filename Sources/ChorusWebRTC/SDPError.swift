/// Why an offer could not be written, a remote description could not be read, or an answer cannot carry the call.
/// Each case names what is missing or wrong; `description` says it in a sentence a load-test report can show.
public enum SDPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The ice-ufrag we were given is not 4...256 ice-chars (RFC 8839 §5.4); `length` is its character count.
    case invalidLocalICEUfrag(length: Int)
    /// The ice-pwd we were given is not 22...256 ice-chars; only its length is kept, never the secret.
    case invalidLocalICEPassword(length: Int)
    /// Our certificate fingerprint is not a known hash with that hash's length.
    case invalidLocalFingerprint(algorithm: String, byteCount: Int)
    /// The RTCP CNAME is empty, longer than 255 bytes, or not one printable token.
    case invalidLocalCNAME(String)
    /// A local candidate has a field that cannot be written into one SDP line; the value is the candidate line.
    case invalidLocalCandidate(String)
    /// The audio-level extension id is outside 1...14 (RFC 8285 one-byte headers).
    case invalidLocalAudioLevelExtensionID(Int)

    /// The text does not begin with a `v=` line; the first line is kept (shortened) to show what came instead.
    case notSDP(firstLine: String)
    /// The answer has no `m=audio` section; the kinds it does have are listed.
    case noAudioSection(mediaKinds: [String])
    /// The answer's `m=audio` line could not be read (no port, or a port above 65535).
    case unreadableAudioLine(String)
    /// The answer rejected the audio section with port 0.
    case audioRejected(mid: String?)
    /// The answer's audio section is not DTLS-SRTP (`UDP/TLS/RTP/SAVPF`); the profile it has is kept.
    case unsupportedProfile(String)
    /// The answer's audio section has neither Opus/48000 nor PCMU/8000; its codecs are listed as `name/rate`.
    case noSupportedCodec(offered: [String])
    /// The answer's audio direction leaves one way silent (`recvonly`, `sendonly` or `inactive`).
    case audioNotSendRecv(SDPDirection)
    /// The answer's audio section has no `a=rtcp-mux`.
    case missingRTCPMux
    /// The answer has no `a=fingerprint` at session level or in its audio section.
    case missingFingerprint
    /// The answer's fingerprints are all unreadable or of unknown hashes; the first is quoted.
    case unusableFingerprint(String)
    /// The answer has no `a=ice-ufrag`.
    case missingICEUfrag
    /// The answer has no `a=ice-pwd`.
    case missingICEPassword
    /// The answer has no `a=setup`.
    case missingSetup
    /// The answer's `a=setup` is not `active` or `passive` (RFC 5763 §5, RFC 8842 §5.3); the value is kept.
    case invalidSetup(String)
    /// The answer has no `a=candidate` and does not trickle, or says `a=end-of-candidates` without any.
    case missingCandidates
    /// The answer has candidates, but none is UDP for component 1; `count` is how many it has.
    case noUsableCandidates(count: Int)

    /// A sentence naming what is missing or wrong, and why the call needs it.
    public var description: String {
        switch self {
        case .invalidLocalICEUfrag(let length):
            "our ice-ufrag must be 4 to 256 characters from A-Z a-z 0-9 + / (RFC 8839); "
                + ((4...256).contains(length) ? "one of its \(length) characters is not" : "it has \(length)")
        case .invalidLocalICEPassword(let length):
            "our ice-pwd must be 22 to 256 characters from A-Z a-z 0-9 + / (RFC 8839); "
                + ((22...256).contains(length) ? "one of its \(length) characters is not" : "it has \(length)")
        case .invalidLocalFingerprint(let algorithm, let byteCount):
            "our a=fingerprint must be sha-1/224/256/384/512 with that hash's length; got \(algorithm) of "
                + "\(byteCount) bytes"
        case .invalidLocalCNAME(let cname):
            "our RTCP cname must be 1 to 255 printable characters without spaces; got \"\(SDPSyntax.excerpt(cname))\""
        case .invalidLocalCandidate(let line):
            "our candidate \"\(SDPSyntax.excerpt(line))\" cannot be written in SDP (foundation 1-32 ice-chars, "
                + "component 1-256, port 0-65535, no spaces in address or transport)"
        case .invalidLocalAudioLevelExtensionID(let id):
            "our audio-level a=extmap id must be 1 to 14 (one-byte RTP header extensions); got \(id)"
        case .notSDP(let firstLine):
            "the remote description is not SDP: it does not start with v=0 (first line: \"\(firstLine)\")"
        case .noAudioSection(let kinds):
            "the answer has no m=audio section"
                + (kinds.isEmpty ? " (it has no m= line at all)" : " (it has: \(kinds.joined(separator: ", ")))")
        case .unreadableAudioLine(let line):
            "the answer's m=audio line cannot be read (needs a port 0-65535 and a profile): \"m=\(line)\""
        case .audioRejected(let mid):
            "the answer rejected the audio m-line (m=audio 0" + (mid.map { ", mid \($0)" } ?? "")
                + "): the agent accepts no audio from this offer"
        case .unsupportedProfile(let profile):
            "the answer's m=audio uses \(profile), not UDP/TLS/RTP/SAVPF (DTLS-SRTP), which is all we offered"
        case .noSupportedCodec(let offered):
            "the answer's m=audio has neither opus/48000 nor PCMU/8000"
                + (offered.isEmpty ? " (it has no codec)" : " (it has: \(offered.joined(separator: ", ")))")
        case .audioNotSendRecv(let direction):
            "the answer's m=audio is \(direction.rawValue), not sendrecv: "
                + "audio would not flow both ways between caller and agent"
        case .missingRTCPMux:
            "the answer's m=audio has no a=rtcp-mux (we offered RTP and RTCP on one port only)"
        case .missingFingerprint:
            "the answer has no a=fingerprint (needed to check the agent's DTLS certificate)"
        case .unusableFingerprint(let value):
            "the answer's a=fingerprint:\(SDPSyntax.excerpt(value)) is not sha-1/224/256/384/512 followed by that "
                + "many hex bytes (needed to check the agent's DTLS certificate)"
        case .missingICEUfrag:
            "the answer has no a=ice-ufrag (needed to name the agent in our STUN connectivity checks)"
        case .missingICEPassword:
            "the answer has no a=ice-pwd (needed to sign our STUN connectivity checks to the agent)"
        case .missingSetup:
            "the answer has no a=setup (needed to know which side starts the DTLS handshake)"
        case .invalidSetup(let value):
            "the answer's a=setup:\(SDPSyntax.excerpt(value)) is not allowed in an answer (must be active or passive)"
        case .missingCandidates:
            "the answer has no a=candidate and does not trickle (no a=ice-options:trickle), so there is no address "
                + "to send audio to"
        case .noUsableCandidates(let count):
            "the answer's \(count) a=candidate line(s) include none for UDP component 1, the only one we use"
        }
    }
}
