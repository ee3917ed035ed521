import ChorusWebRTC

/// The ICE side of a WebRTC socket as `WebRTCSecureHandler` drives it: a full agent (the callers) or an ICE-lite
/// responder (the reference agent). Sans-IO: datagrams and time in, datagrams and events out.
public protocol ICEConnectivity: AnyObject {
    func start(nowNs: UInt64)
    func receive(_ datagram: UnsafeRawBufferPointer, from source: STUNAddress, nowNs: UInt64)
    func handleTimeout(nowNs: UInt64)
    var nextTimeoutNs: UInt64? { get }
    func popTransmit() -> (bytes: [UInt8], destination: STUNAddress)?
    func popEvent() -> ICEEvent?
}

extension ICEAgent: ICEConnectivity {}

/// An `ICELiteResponder` as `ICEConnectivity`: answers every check, and reports the pair the caller nominates.
public final class ICELiteConnectivity: ICEConnectivity {
    private let responder: ICELiteResponder
    private var transmits: [(bytes: [UInt8], destination: STUNAddress)] = []
    private var events: [ICEEvent] = []
    private var selected: STUNAddress?

    public init(_ responder: ICELiteResponder) {
        self.responder = responder
    }

    public func start(nowNs: UInt64) {}

    public func receive(_ datagram: UnsafeRawBufferPointer, from source: STUNAddress, nowNs: UInt64) {
        if let response = self.responder.respond(to: datagram, from: source) {
            self.transmits.append((response, source))
        }
        if self.selected == nil, let nominated = self.responder.nominatedRemote {
            self.selected = nominated
            self.events.append(.selected(remote: nominated))
        }
    }

    public func handleTimeout(nowNs: UInt64) {}

    public var nextTimeoutNs: UInt64? { nil }

    public func popTransmit() -> (bytes: [UInt8], destination: STUNAddress)? {
        self.transmits.isEmpty ? nil : self.transmits.removeFirst()
    }

    public func popEvent() -> ICEEvent? {
        self.events.isEmpty ? nil : self.events.removeFirst()
    }
}
