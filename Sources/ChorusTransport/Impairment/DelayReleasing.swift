/// A queue of held units that a `DelayScheduler` wakes when its earliest unit is due (a `DelayLine`).
protocol DelayReleasing: AnyObject {
    /// The scheduler's current entry for this queue, 0 when it has none. Only the scheduler writes it.
    var delayTicket: UInt64 { get set }
    /// When that entry is due (ns, loop clock). Only the scheduler writes it.
    var delayTicketDueNs: Int64 { get set }
    /// Releases every unit due at or before `nowNs`, then asks the scheduler to wake it for the next one.
    func releaseDue(nowNs: Int64)
}
