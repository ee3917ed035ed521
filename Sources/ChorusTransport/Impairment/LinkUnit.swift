import NIOCore

/// Something an impaired link carries: a `ByteBuffer` (a stream's bytes, a connected datagram) or an
/// `AddressedEnvelope<ByteBuffer>` (a datagram).
protocol LinkUnit {
    /// The size the link charges for the unit.
    var linkBytes: Int { get }
    /// The bytes a held copy must not share with the sender's or the socket's buffer.
    var linkPayload: ByteBuffer { get }
    /// The same unit carrying `payload` instead (a held copy).
    func replacingLinkPayload(with payload: ByteBuffer) -> Self
}

extension ByteBuffer: LinkUnit {
    var linkBytes: Int { self.readableBytes }
    var linkPayload: ByteBuffer { self }
    func replacingLinkPayload(with payload: ByteBuffer) -> ByteBuffer { payload }
}

extension AddressedEnvelope: LinkUnit where DataType == ByteBuffer {
    var linkBytes: Int { self.data.readableBytes }
    var linkPayload: ByteBuffer { self.data }
    func replacingLinkPayload(with payload: ByteBuffer) -> AddressedEnvelope<ByteBuffer> {
        AddressedEnvelope(remoteAddress: self.remoteAddress, data: payload, metadata: self.metadata)
    }
}
