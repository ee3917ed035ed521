/// A full ICE agent for one component (rtcp-mux, BUNDLE → one UDP socket), sans-IO (RFC 8445, consent freshness
/// RFC 7675).
///
/// It owns no socket and reads no clock: the owner feeds it STUN datagrams (`receive`) and the time
/// (`nowNs`, monotonic nanoseconds, on every call), calls `handleTimeout` when `nextTimeoutNs` is reached, and
/// after every call drains `popTransmit()` onto the socket and `popEvent()` into the call's state.
///
/// ```swift
/// let agent = ICEAgent(role: .controlling, local: credentials, remote: remoteCredentials,
///                      localAddresses: [socketAddress], tieBreaker: .random(in: .min ... .max))
/// audio.remoteCandidates.forEach(agent.addRemoteCandidate)
/// agent.endOfRemoteCandidates()
/// agent.start(nowNs: clock.now)
/// // on a datagram whose first byte is 0...3: agent.receive(datagram, from: source, nowNs: clock.now)
/// // at agent.nextTimeoutNs:                   agent.handleTimeout(nowNs: clock.now)
/// while let (bytes, destination) = agent.popTransmit() { socket.send(bytes, to: destination) }
/// while let event = agent.popEvent() { … }   // .selected(remote:), .failed(reason:), .consentExpired(reason:)
/// ```
///
/// What it does:
/// - Host candidates, one per local address; pairs of local × remote candidates of the same address family,
///   ordered by pair priority, with per-foundation freezing. Checks go out one per `pacingNs` (triggered checks
///   first), each retransmitted with a doubling timeout up to `maxRetransmits` times before its pair fails.
/// - Checks carry USERNAME "remote:local", PRIORITY (peer-reflexive), ICE-CONTROLLING or ICE-CONTROLLED with the
///   tie-breaker, MESSAGE-INTEGRITY keyed with the remote password, and FINGERPRINT. Requests it receives are
///   verified with the local password and answered; a request from an unknown address makes a peer-reflexive
///   candidate and a triggered check. Role conflicts are settled by tie-breaker (487).
/// - Regular nomination: controlling, it nominates the first pair that succeeds with a check carrying
///   USE-CANDIDATE and selects it when that check succeeds; controlled, it selects a pair the peer nominated once
///   that pair has succeeded. An ICE-lite peer is always controlled, so against one the agent always controls.
/// - After selection, consent freshness on the selected pair: a check every 0.8–1.2 × `consentIntervalNs`, and
///   `consentExpired` when no authenticated answer came for `consentTimeoutNs`.
///
/// Datagrams go out from the one socket, so the OS picks their source address; with several local addresses of
/// one family their pairs differ only in what PRIORITY announces. Not `Sendable`: it belongs to the call's event
/// loop.
public final class ICEAgent {
    /// Which agent nominates (RFC 8445 §6.1.1).
    public enum Role: Sendable {
        /// Nominates the pair to use.
        case controlling
        /// Uses the pair the peer nominates.
        case controlled
    }

    /// Where the agent is.
    public enum State: Sendable, Hashable {
        /// Made, not started: it answers checks but sends none of its own.
        case new
        /// Checking pairs until one is selected.
        case checking
        /// A pair is selected; consent checks keep it.
        case connected
        /// No pair could be selected (`ICEEvent.failed` was emitted).
        case failed
        /// Consent expired on the selected pair (`ICEEvent.consentExpired` was emitted).
        case consentExpired
    }

    /// Timers and limits; the defaults are RFC 8445's and RFC 7675's, with a 5 s budget to connect.
    public struct Configuration: Sendable {
        /// How long after `start` a selection may take before the agent fails.
        public var connectTimeoutNs: UInt64 = 5_000_000_000
        /// Ta: the gap between new checks (RFC 8445 §14.2 recommends 50 ms).
        public var pacingNs: UInt64 = 50_000_000
        /// The STUN retransmission timeout before the first retransmission, doubling after each (RFC 8445 §14.3
        /// suggests 250 ms or more for ICE).
        public var initialRetransmitNs: UInt64 = 250_000_000
        /// Retransmissions of a check before its pair fails (after one more doubled timeout).
        public var maxRetransmits: Int = 6
        /// The consent check interval, randomised to 0.8–1.2 × this (RFC 7675 §5.1: 0.8–1.2 × 5 s).
        public var consentIntervalNs: UInt64 = 5_000_000_000
        /// How long without an authenticated answer to a consent check before consent expires (RFC 7675 §5.1).
        public var consentTimeoutNs: UInt64 = 30_000_000_000
        /// The most candidate pairs checked (RFC 8445 §6.1.2.5 suggests 100); further pairs are not formed.
        public var maxPairs: Int = 100

        /// The defaults.
        public init() {}
    }

    /// Our role; it flips when a role conflict (487) says the peer's tie-breaker wins.
    public internal(set) var role: Role
    /// Where the agent is.
    public internal(set) var state: State = .new
    /// The remote candidate the selected pair sends to; nil until `ICEEvent.selected`.
    public var selectedRemote: STUNAddress? {
        self.selectedPair.map { self.remotes[self.pairs[$0].remote].address }
    }

    /// Pairs on which at least one check was sent.
    public internal(set) var pairsTried = 0
    /// STUN datagrams dropped because they could not be trusted: not STUN, a bad FINGERPRINT, unparsable, a
    /// request with wrong or missing credentials (answered 400 or 401), or a response whose MESSAGE-INTEGRITY does
    /// not verify with the remote password.
    public internal(set) var droppedUnverified = 0
    /// Well-formed STUN messages that matched nothing: responses to no outstanding check, indications.
    public internal(set) var droppedUnmatched = 0
    /// Remote candidates left out: not UDP, not component 1, port 0, or an address that is no IP literal.
    public internal(set) var ignoredRemoteCandidates = 0
    /// Of `ignoredRemoteCandidates`, those whose address is an mDNS `.local` name (they are not resolved).
    public internal(set) var ignoredMDNSCandidates = 0
    /// Consent checks sent on the selected pair.
    public internal(set) var consentChecksSent = 0

    /// Our host candidates, one per local address, foundation and priority per RFC 8445 §5.1.2.
    public var localCandidates: [SDPCandidate] { self.locals.map(\.candidate) }
    /// The remote candidates that pairs are formed with, signalled and peer-reflexive, in the order learnt.
    public var remoteCandidates: [SDPCandidate] { self.remotes.map(\.sdpCandidate) }

    let local: ICECredentials
    let remote: ICECredentials
    let localKey: [UInt8]
    let remoteKey: [UInt8]
    let tieBreaker: UInt64
    let remoteIsLite: Bool
    let configuration: Configuration
    var random: any RandomNumberGenerator

    var locals: [ICELocalCandidate]
    var remotes: [ICERemoteCandidate] = []
    var pairs: [ICECandidatePair] = []
    /// RFC 8445 §6.1.4.1's triggered-check queue, served before ordinary checks.
    var triggered: [(pair: Int, nominating: Bool)] = []
    /// Checks in flight, oldest first (few: one per pair at most, plus cancelled ones awaiting a late answer).
    var transactions: [ICETransaction] = []
    var remoteCandidatesComplete = false

    var connectDeadlineNs: UInt64 = 0
    var nextCheckNs: UInt64 = 0
    /// Controlling: the pair whose nomination is in flight or done.
    var nominatedPair: Int? = nil
    var selectedPair: Int? = nil
    /// The last error a check got, for the failure reason.
    var lastCheckError: String? = nil

    var lastConsentNs: UInt64 = 0
    var nextConsentNs: UInt64 = 0
    /// The latest consent checks' ids; an answer to any of them refreshes consent.
    var consentChecks: [STUNTransactionID] = []
    /// The attributes every consent check carries (fixed once a pair is selected).
    var consentAttributes: [STUNAttribute] = []

    private var transmits: [(bytes: [UInt8], destination: STUNAddress)] = []
    private var transmitHead = 0
    private var events: [ICEEvent] = []
    private var eventHead = 0

    /// An agent for one call.
    /// - Parameters:
    ///   - role: controlling (we nominate; always so when `remoteIsLite`) or controlled.
    ///   - local: our credentials, as our SDP announced them.
    ///   - remote: the peer's, from its SDP.
    ///   - localAddresses: the socket's address on each interface (one per address family for a dual-stack
    ///     socket); the first ranks highest.
    ///   - tieBreaker: a random 64-bit number settling role conflicts (RFC 8445 §7.3.1.1).
    ///   - remoteIsLite: the peer said `a=ice-lite`; it only answers checks and is always controlled.
    ///   - configuration: timers and limits.
    ///   - random: the source of transaction ids and consent jitter; a cryptographic one outside tests (RFC 8489
    ///     wants transaction ids an off-path attacker cannot guess).
    public init(
        role: Role,
        local: ICECredentials,
        remote: ICECredentials,
        localAddresses: [STUNAddress],
        tieBreaker: UInt64,
        remoteIsLite: Bool = false,
        configuration: Configuration = .init(),
        random: some RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        // RFC 8445 §6.1.1: a full agent facing a lite one controls.
        self.role = remoteIsLite ? .controlling : role
        self.local = local
        self.remote = remote
        self.localKey = STUNMessage.shortTermKey(password: local.password)
        self.remoteKey = STUNMessage.shortTermKey(password: remote.password)
        self.tieBreaker = tieBreaker
        self.remoteIsLite = remoteIsLite
        self.configuration = configuration
        self.random = random
        self.locals = ICELocalCandidate.hosts(for: localAddresses)
    }

    /// Adds a remote candidate from the SDP answer or trickle.
    ///
    /// Ignored (and counted in `ignoredRemoteCandidates`): non-UDP, component other than 1, port 0, and addresses
    /// that are not IPv4 or IPv6 literals; mDNS `.local` names are also counted in `ignoredMDNSCandidates`. A
    /// candidate for an address already known is a duplicate, except that it gives a peer-reflexive one its
    /// signalled type, priority and foundation. Candidates that arrive after a pair was selected are ignored.
    public func addRemoteCandidate(_ candidate: SDPCandidate) {
        guard self.state == .new || self.state == .checking else { return }
        guard candidate.transport == "udp", candidate.component == 1, (1...65535).contains(candidate.port) else {
            self.ignoredRemoteCandidates += 1
            return
        }
        let host: STUNAddress.Host
        switch ICEAddressText.parse(candidate.address) {
        case .host(let parsed):
            host = parsed
        case .mDNS:
            self.ignoredRemoteCandidates += 1
            self.ignoredMDNSCandidates += 1
            return
        case .unusable:
            self.ignoredRemoteCandidates += 1
            return
        }
        let address = STUNAddress(host: host, port: UInt16(candidate.port))
        if let known = self.remotes.firstIndex(where: { $0.address == address }) {
            if self.remotes[known].kind == .prflx, candidate.kind != .prflx {
                self.remotes[known].kind = candidate.kind
                self.remotes[known].priority = candidate.priority
                self.remotes[known].foundation = candidate.foundation
                self.recomputePairs()
            }
            return
        }
        let remote = ICERemoteCandidate(
            address: address,
            priority: candidate.priority,
            kind: candidate.kind,
            foundation: candidate.foundation
        )
        self.addRemote(remote)
    }

    /// No more remote candidates will come (`a=end-of-candidates`, or the answer did not trickle). With none
    /// usable, the agent fails at once (or at `start`).
    public func endOfRemoteCandidates() {
        self.remoteCandidatesComplete = true
        if self.state == .checking { self.failIfHopeless() }
    }

    /// Starts checking: the first check goes out now; the connect timeout runs from now.
    public func start(nowNs: UInt64) {
        guard self.state == .new else { return }
        self.state = .checking
        self.connectDeadlineNs = Self.later(nowNs, by: self.configuration.connectTimeoutNs)
        self.nextCheckNs = nowNs
        self.freezeInitialPairs()
        if self.locals.isEmpty {
            self.fail("ICE: no local addresses")
            return
        }
        self.failIfHopeless()
        self.advance(nowNs: nowNs)
    }

    /// One STUN datagram (first byte 0–3) that arrived on the socket from `source`.
    ///
    /// Requests are verified and answered (also before `start`); responses complete checks. Anything that cannot
    /// be trusted is dropped and counted, never trapped on. Timers that are due run too.
    public func receive(_ datagram: UnsafeRawBufferPointer, from source: STUNAddress, nowNs: UInt64) {
        guard self.state == .new || self.state == .checking || self.state == .connected else { return }
        guard let message = ICERequestCheck.parse(datagram) else {
            self.droppedUnverified += 1
            return
        }
        switch message.type.messageClass {
        case .request:
            self.handleRequest(message, datagram: datagram, from: source, nowNs: nowNs)
        case .successResponse, .errorResponse:
            self.handleResponse(message, datagram: datagram, from: source, nowNs: nowNs)
        case .indication:
            self.droppedUnmatched += 1
        }
        self.advance(nowNs: nowNs)
    }

    /// `receive(_:from:nowNs:)` for bytes in an array.
    public func receive(_ datagram: [UInt8], from source: STUNAddress, nowNs: UInt64) {
        datagram.withUnsafeBytes { self.receive($0, from: source, nowNs: nowNs) }
    }

    /// Runs the timers due at `nowNs`: the next paced check, retransmissions, the connect timeout, consent checks
    /// and consent expiry.
    public func handleTimeout(nowNs: UInt64) {
        self.advance(nowNs: nowNs)
    }

    /// When handleTimeout should next be called (nil: nothing pending). It may be at or before the last `nowNs`
    /// (after `addRemoteCandidate`, which takes no time): then call it at once.
    public var nextTimeoutNs: UInt64? {
        switch self.state {
        case .checking:
            var next = self.connectDeadlineNs
            if self.hasCheckToSend { next = min(next, self.nextCheckNs) }
            for transaction in self.transactions { next = min(next, transaction.deadlineNs) }
            return next
        case .connected:
            return min(self.nextConsentNs, Self.later(self.lastConsentNs, by: self.configuration.consentTimeoutNs))
        case .new, .failed, .consentExpired:
            return nil
        }
    }

    /// Datagrams to send, oldest first: drain after every call above.
    public func popTransmit() -> (bytes: [UInt8], destination: STUNAddress)? {
        guard self.transmitHead < self.transmits.count else { return nil }
        let transmit = self.transmits[self.transmitHead]
        self.transmitHead += 1
        if self.transmitHead == self.transmits.count {
            self.transmits.removeAll(keepingCapacity: true)
            self.transmitHead = 0
        }
        return transmit
    }

    /// The next event, oldest first: drain after every call above.
    public func popEvent() -> ICEEvent? {
        guard self.eventHead < self.events.count else { return nil }
        let event = self.events[self.eventHead]
        self.eventHead += 1
        if self.eventHead == self.events.count {
            self.events.removeAll(keepingCapacity: true)
            self.eventHead = 0
        }
        return event
    }

    // MARK: - Internals shared by the extensions

    func send(_ bytes: [UInt8], to destination: STUNAddress) {
        self.transmits.append((bytes, destination))
    }

    func emit(_ event: ICEEvent) {
        self.events.append(event)
    }

    /// Runs whatever is due at `nowNs`.
    func advance(nowNs: UInt64) {
        switch self.state {
        case .checking: self.advanceChecks(nowNs: nowNs)
        case .connected: self.advanceConsent(nowNs: nowNs)
        case .new, .failed, .consentExpired: break
        }
    }

    /// Stops checking and reports `reason`.
    func fail(_ reason: String) {
        guard self.state == .new || self.state == .checking else { return }
        self.state = .failed
        self.transactions.removeAll()
        self.triggered.removeAll()
        self.emit(.failed(reason: reason))
    }
}

@available(*, unavailable)
extension ICEAgent: Sendable {}
