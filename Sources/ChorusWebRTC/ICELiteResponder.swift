/// What the reference agent (an ICE-lite answerer, RFC 8445 §2.5) needs: answer connectivity checks on one socket.
///
/// A lite agent gathers only host candidates, never sends checks and is always controlled: it answers every
/// authentic Binding request from wherever it came (that is how the full agent's pairs succeed and how consent is
/// refreshed, RFC 7675) and takes the address of a check carrying USE-CANDIDATE as the nominated pair. Not
/// `Sendable`: it belongs to the socket's event loop.
public final class ICELiteResponder {
    /// Our credentials: the left half of USERNAME and the MESSAGE-INTEGRITY key.
    public let local: ICECredentials
    /// The peer's ufrag that USERNAME's right half must equal, or nil to accept any.
    public let remoteUfrag: String?
    /// The address whose latest check carried USE-CANDIDATE; nil until one did.
    public private(set) var nominatedRemote: STUNAddress? = nil
    /// Authentic Binding requests answered with success.
    public private(set) var answeredRequests = 0
    /// Requests answered with an error (400, 401, 420, 487).
    public private(set) var rejectedRequests = 0
    /// Datagrams given no answer: not STUN, a bad FINGERPRINT, unparsable, or not a request.
    public private(set) var ignoredDatagrams = 0

    private let localKey: [UInt8]

    /// A responder for `local` credentials; `remoteUfrag` nil accepts any remote ufrag in USERNAME "local:remote".
    public init(local: ICECredentials, remoteUfrag: String?) {
        self.local = local
        self.remoteUfrag = remoteUfrag
        self.localKey = STUNMessage.shortTermKey(password: local.password)
    }

    /// Verifies a Binding request (USERNAME, MESSAGE-INTEGRITY with the local password, FINGERPRINT), and
    /// returns the success response bytes to send back to `source` (XOR-MAPPED-ADDRESS = source), or a 400/401/487
    /// error response where RFC 8445 says so, or nil for garbage / indications / responses.
    ///
    /// Error responses: 400 without USERNAME or MESSAGE-INTEGRITY, 401 for a USERNAME that does not name us (or
    /// the expected peer) or an integrity check that fails, 420 for an unknown comprehension-required attribute,
    /// 487 for a request with ICE-CONTROLLED (a lite agent is always controlled, so the peer must control).
    public func respond(to datagram: UnsafeRawBufferPointer, from source: STUNAddress) -> [UInt8]? {
        guard let message = ICERequestCheck.parse(datagram), message.type.messageClass == .request else {
            self.ignoredDatagrams += 1
            return nil
        }
        let outcome = ICERequestCheck.check(
            message,
            datagram: datagram,
            local: self.local,
            localKey: self.localKey,
            remoteUfrag: self.remoteUfrag
        )
        if case .reject(let response, _) = outcome {
            self.rejectedRequests += 1
            return response
        }
        // RFC 8445 §7.3.1.1: both think they are controlled; a lite agent cannot control, so the full one must.
        if message.iceControlled != nil {
            self.rejectedRequests += 1
            return ICERequestCheck.errorResponse(to: message, error: .roleConflict, key: self.localKey)
        }
        if message.useCandidate { self.nominatedRemote = source }
        self.answeredRequests += 1
        return ICERequestCheck.successResponse(to: message, source: source, key: self.localKey)
    }

    /// `respond(to:from:)` for bytes in an array.
    public func respond(to datagram: [UInt8], from source: STUNAddress) -> [UInt8]? {
        datagram.withUnsafeBytes { self.respond(to: $0, from: source) }
    }
}

@available(*, unavailable)
extension ICELiteResponder: Sendable {}
