import Synchronization

/// The server's event loops, for handing a freshly accepted connection to the next loop in turn.
///
/// All loops wait on one listener with `EPOLLEXCLUSIVE`, and the kernel tends to wake the same
/// idle loop again and again: with connections arriving one by one, one loop ended up owning
/// nearly all of them (a 1,000-member channel was fanned out by one core while the other idled).
/// The accepting loop therefore deals connections round-robin; the receiving loop adopts them from
/// its mailbox. Set once, right after the loops are created. A connection dealt in the instant a
/// loop finishes draining is never adopted; it closes with the process a moment later (no request
/// of it was accepted).
final class LoopDirectory: Sendable {
    private let loops = Mutex<[LoopHandle]>([])
    private let turn = Atomic<Int>(0)

    init() {}

    func set(_ value: [LoopHandle]) { loops.withLock { $0 = value } }

    /// The loop that should own the next connection (nil before `set`, or with a single loop).
    func nextOwner() -> LoopHandle? {
        let all = loops.withLock { $0 }
        guard all.count > 1 else { return nil }
        let index = turn.wrappingAdd(1, ordering: .relaxed).oldValue
        return all[index % all.count]
    }
}
