/// An error that ends a call's link and says why (a WebRTC call whose consent lapsed, a far end that closed
/// DTLS): the call records it as the reason its connection closed, whatever the transport.
public protocol LinkEndingError: Error, CustomStringConvertible {}
