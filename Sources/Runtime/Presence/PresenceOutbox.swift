import Synchronization

/// Delivers presence events to the observer in the order they were produced, never under the
/// producer's lock.
///
/// Why: the hub calls `connect`/`disconnect` and its observer may take the hub's own lock; calling
/// the observer while holding the directory's lock could deadlock, and calling it after releasing
/// the lock could reorder two threads' events. Producers append under the lock (`enqueue`), then
/// call `drain()`: the first thread to find no drainer delivers everything queued, including what
/// other threads add meanwhile, so the observer sees one total order and is never re-entered.
package final class PresenceOutbox: Sendable {
    package typealias Observer = @Sendable (_ channel: String, _ event: PresenceEvent) -> Void

    private struct State {
        var queue: [(String, PresenceEvent)] = []
        var draining = false
        var observer: Observer?
    }

    private let state = Mutex(State())

    package init() {}

    package func setObserver(_ observer: @escaping Observer) { state.withLock { $0.observer = observer } }

    /// Queues events in order (call while the producer's own state is consistent).
    package func enqueue(_ channel: String, _ events: [PresenceEvent]) {
        guard !events.isEmpty else { return }
        state.withLock { s in for event in events { s.queue.append((channel, event)) } }
    }

    /// Delivers what is queued, unless another thread is already doing it (that one loops until
    /// the queue is empty, so nothing is left behind).
    package func drain() {
        var owner = false
        while true {
            let step: (owner: Bool, events: [(String, PresenceEvent)], observer: Observer?) = state.withLock { [owner] s in
                if !owner {
                    if s.draining { return (false, [], nil) }
                    s.draining = true
                }
                if s.queue.isEmpty {
                    s.draining = false
                    return (false, [], nil)
                }
                defer { s.queue.removeAll(keepingCapacity: true) }
                return (true, s.queue, s.observer)
            }
            owner = step.owner
            guard owner else { return }
            for (channel, event) in step.events { step.observer?(channel, event) }
        }
    }
}
