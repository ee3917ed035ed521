import NIOCore

/// Takes the RTP and RTCP a `WebRTCSecureHandler` decrypted straight from it, in place of the pipeline: the call
/// above the handler, for which a pass through the pipeline per packet costs more than reading the packet.
public protocol WebRTCMediaReceiver: AnyObject {
    /// One decrypted packet, on the channel's event loop, whose datagram arrived at `arrivalNs` (the loop's clock,
    /// read once by the handler); `packet.data` is the handler's buffer, valid during the call.
    func receiveDecrypted(_ packet: AddressedEnvelope<ByteBuffer>, arrivalNs: Int64)
}
