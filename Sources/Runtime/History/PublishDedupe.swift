/// Remembers recent client publish ids so a resend after a cut is acked, not stored twice.
///
/// A client that lost its socket before the `ack` resends with the same `id`; within
/// `windowMilliseconds` (5 minutes) the earlier offset is returned instead of a new message.
/// Bounded by `capacity` too (the oldest ids go first) so a flood of ids cannot grow memory.
/// Time is passed in; ids expire in insertion order, which is also expiry order.
package struct PublishDedupe: Sendable {
    package static let defaultWindowMilliseconds: Int64 = 5 * 60 * 1000

    package let windowMilliseconds: Int64
    package let capacity: Int
    private var offsets: [String: Int64] = [:]
    private var order: [(id: String, at: Int64)] = []
    private var orderHead = 0

    package init(windowMilliseconds: Int64 = defaultWindowMilliseconds, capacity: Int = 100_000) {
        self.windowMilliseconds = windowMilliseconds
        self.capacity = max(1, capacity)
    }

    package var count: Int { offsets.count }

    /// The offset an earlier publish with `id` got, if it is still inside the window.
    package mutating func offset(for id: String, now: Int64) -> Int64? {
        expire(now: now)
        return offsets[id]
    }

    /// Records `id` → `offset` (a repeated `record` keeps the first offset).
    package mutating func record(_ id: String, offset: Int64, now: Int64) {
        expire(now: now)
        guard offsets[id] == nil else { return }
        while offsets.count >= capacity { dropOldest() }
        offsets[id] = offset
        order.append((id, now))
    }

    private mutating func expire(now: Int64) {
        while orderHead < order.count, now - order[orderHead].at >= windowMilliseconds { dropOldest() }
    }

    private mutating func dropOldest() {
        guard orderHead < order.count else { return }
        offsets[order[orderHead].id] = nil
        orderHead += 1
        if orderHead > 1024 && orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }
}
