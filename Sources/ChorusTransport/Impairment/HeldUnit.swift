import NIOCore

/// A unit an impaired link holds back: ready to pass on as it is, with the pooled buffer its bytes were copied
/// into and when it reached the handler.
///
/// Concrete on purpose: the handler is generic and runs unspecialized (NIO reaches it through its handler
/// protocols), so what it keeps and releases per unit is of a type the compiler knows.
struct HeldUnit {
    /// The unit as the next handler takes it.
    var unit: NIOAny
    /// The buffer holding its bytes, back to the pool once the unit is passed on.
    var buffer: ByteBuffer
    /// When it reached the handler (ns, loop clock).
    var socketNs: Int64
}
