import Synchronization

/// The one-instance store (`sessions.store: memory`): a `MemoryChannelLog` per channel behind one
/// lock, everything answered synchronously.
///
/// A publish assigns the offset and hands the message to the live receiver *under the lock*, so
/// the hub sees offsets in the order they were assigned even when members on different loops
/// publish at once. Each channel gets a random epoch when it is first used; a restart loses every
/// log and so every epoch: a reconnecting client gets `epoch_changed`, never a silent gap.
/// A channel's log (epoch and top included) is kept for the life of the process, so a quiet
/// channel can still answer "nothing was missed"; its items are bounded by `limits`.
package final class MemoryChannelStore: ChannelStore {
    private struct State {
        var logs: [String: MemoryChannelLog] = [:]
        var live: (@Sendable (LiveMessage) -> Void)?
    }

    private let state = Mutex(State())
    private let limits: ChannelHistory.Limits
    private let maxReplay: Int64
    /// Monotonic milliseconds (history TTL, dedupe window).
    private let clock: @Sendable () -> Int64
    private let makeEpoch: @Sendable () -> String

    package init(
        limits: ChannelHistory.Limits, maxReplay: Int64 = 500,
        clock: @escaping @Sendable () -> Int64 = { SystemClock().nowMilliseconds() },
        makeEpoch: @escaping @Sendable () -> String = { ChannelEpoch.make() }
    ) {
        self.limits = limits
        self.maxReplay = maxReplay
        self.clock = clock
        self.makeEpoch = makeEpoch
    }

    package func setReceivers(live: @escaping @Sendable (LiveMessage) -> Void, resync: @escaping @Sendable () -> Void) {
        state.withLock { $0.live = live }
    }

    package func subscribe(_ channel: String) {}
    package func unsubscribe(_ channel: String) {}

    package func read(channel: String, request: RecoveryRequest, completion: @escaping @Sendable (ChannelRead?) -> Void) {
        let now = clock()
        let read = withLog(channel) { $0.read(request, now: now) }
        completion(read)
    }

    package func fetch(channel: String, epoch: String, after: Int64, completion: @escaping @Sendable (FetchOutcome) -> Void) {
        let now = clock()
        let outcome = withLog(channel) { log -> FetchOutcome in
            guard log.history.epoch == epoch else { return .epochChanged(epoch: log.history.epoch, top: log.history.top) }
            return .entries(log.entries(after: after, now: now) ?? [], top: log.history.top)
        }
        completion(outcome)
    }

    package func publish(
        channel: String, request: PublishRequest, from login: String, atMilliseconds: Int64,
        completion: @escaping @Sendable (PublishOutcome) -> Void
    ) {
        let now = clock()
        let outcome = state.withLock { s -> PublishOutcome in
            var log = s.logs.removeValue(forKey: channel) ?? newLog(channel)
            defer { s.logs[channel] = log }
            switch log.publish(request, from: login, atMilliseconds: atMilliseconds, now: now) {
            case .duplicate(let ack):
                return .duplicate(ack: ack)
            case .stored(let entry, let ack):
                // Under the lock: the hub receives offsets in the order they were assigned.
                s.live?(LiveMessage(channel: channel, epoch: log.history.epoch, entry: entry))
                return .stored(ack: ack)
            }
        }
        completion(outcome)
    }

    /// Channels with a log (tests).
    package var channelCount: Int { state.withLock { $0.logs.count } }

    private func withLog<T>(_ channel: String, _ body: (inout MemoryChannelLog) -> T) -> T {
        state.withLock { s in
            // Moved out and back so the log is mutated in place (no copy of its ring).
            var log = s.logs.removeValue(forKey: channel) ?? newLog(channel)
            defer { s.logs[channel] = log }
            return body(&log)
        }
    }

    private func newLog(_ channel: String) -> MemoryChannelLog {
        MemoryChannelLog(channel: channel, epoch: makeEpoch(), limits: limits, maxReplay: maxReplay)
    }
}
