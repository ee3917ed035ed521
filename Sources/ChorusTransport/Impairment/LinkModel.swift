import ChorusNetwork

/// One direction's model of an impaired link: what happens to each unit sent over it.
enum LinkModel {
    /// UDP: loss, jitter, reordering, duplicates (`Impairment`).
    case datagram(Impairment)
    /// TCP: delivery in order with head-of-line blocking; never drops (`TCPStreamModel`).
    case stream(TCPStreamModel)

    /// The fate of a unit of `bytes` bytes sent at `sendNs` (call in send order). A stream delivers everything,
    /// once.
    mutating func fate(sendNs: Int64, bytes: Int) -> PacketFate {
        switch self {
        case .datagram(var model):
            let fate = model.decide(sendNs: sendNs, bytes: bytes)
            self = .datagram(model)
            return fate
        case .stream(var model):
            let atNs = model.deliver(sendNs: sendNs, bytes: bytes)
            self = .stream(model)
            return .deliver(atNs: atNs, duplicateAtNs: nil)
        }
    }

    /// True for a stream: a unit never overtakes one held before it.
    var preservesOrder: Bool {
        if case .stream = self { return true }
        return false
    }

    /// The direction's profile.
    var profile: NetworkProfile {
        switch self {
        case .datagram(let model): return model.profile
        case .stream(let model): return model.profile
        }
    }

    /// The stream model's counts, or nil for a datagram link.
    var streamStats: TCPStreamStats? {
        if case .stream(let model) = self { return model.stats }
        return nil
    }

    /// The datagram model's counts, or nil for a stream.
    var datagramStats: ImpairmentStats? {
        if case .datagram(let model) = self { return model.stats }
        return nil
    }
}
