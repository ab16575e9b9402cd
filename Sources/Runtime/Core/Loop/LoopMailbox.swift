import Synchronization

/// Messages posted to an event loop from other threads, run on the loop after an eventfd wake-up.
final class LoopMailbox: Sendable {
    enum Mail: Sendable {
        /// Bytes for an upgraded connection's `delivered` (their meaning is the protocol's).
        case deliver(ConnectionHandle, [UInt8])
        /// The same bytes for several connections of this loop (a channel broadcast): one post and
        /// one wake-up per loop instead of one per member.
        case deliverEach([ConnectionHandle], [UInt8])
        /// A deferred response is ready.
        case complete(ConnectionHandle, RouteResponse)
        /// Close the connection once its output is written.
        case close(ConnectionHandle)
        /// A connection another loop accepted and dealt to this one (`LoopDirectory`).
        case adopt(Int32, SocketAddress)
        /// Application work that needs the loop's thread and its socket table (a client the
        /// application drives itself on this loop, e.g. a Redis connection).
        case run(@Sendable (LoopSockets) -> Void)
    }

    private let queue = Mutex<[Mail]>([])

    /// Queues `mail`; true when the queue was empty, i.e. the loop needs a wake-up.
    func post(_ mail: Mail) -> Bool {
        queue.withLock { q in
            q.append(mail)
            return q.count == 1
        }
    }

    func takeAll() -> [Mail] {
        queue.withLock { q in
            let all = q
            q.removeAll(keepingCapacity: true)
            return all
        }
    }
}
