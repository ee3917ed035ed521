import ChorusNetwork

/// What a channel's `ImpairmentHandler` tells the caller on the same channel. Confined to the channel's loop.
final class LinkTap {
    /// While an inbound unit that the link held back is being delivered (inside the `fireChannelRead` of its
    /// release): the time it was due (ns, loop clock) and how long the link held it after it reached the socket (ns).
    /// nil while a unit passes straight through.
    var heldDelivery: (dueNs: Int64, heldNs: Int64)? = nil
    /// When the link delivers the last outbound unit written (ns, loop clock); nil when the link dropped it.
    /// 0 before any write.
    var lastOutboundDueNs: Int64? = 0
    /// The stream (TCP) model's counts for the caller → agent direction; nil for a datagram link. Set by the handler.
    var upStream: TCPStreamStats?
    /// The stream (TCP) model's counts for the agent → caller direction; nil for a datagram link. Set by the handler.
    var downStream: TCPStreamStats?

    /// A tap with nothing to tell yet.
    init() {}
}

@available(*, unavailable)
extension LinkTap: Sendable {}
