/// One channel of the memory store: history, publish-id dedupe and the join read, composed from
/// the pure pieces so `MemoryChannelStore` only has to hold one of these per channel (under its
/// lock) and hand out what it returns.
///
/// Stored messages are kept and returned *without* offset and epoch: the hub splices them in once
/// per message (`RealtimeEnvelope.withPosition`), shared by every member.
package struct MemoryChannelLog: Sendable {
    package private(set) var history: ChannelHistory
    private var dedupe: PublishDedupe
    package let channel: String
    package let maxReplay: Int64

    package init(channel: String, epoch: String, limits: ChannelHistory.Limits, maxReplay: Int64 = 500) {
        self.channel = channel
        history = ChannelHistory(epoch: epoch, limits: limits)
        dedupe = PublishDedupe()
        self.maxReplay = maxReplay
    }

    /// What a newcomer is owed: the decision and the entries (missed, or the `last=k` backfill).
    package mutating func read(_ request: RecoveryRequest, now: Int64) -> ChannelRead {
        history.expire(now: now)
        let outcome = RecoveryDecision.decide(
            epoch: request.epoch, offset: request.offset, stream: history.position, maxReplay: maxReplay)
        let entries: [HistoryEntry]
        switch outcome {
        case .recovered(let from, _): entries = history.entries(after: from - 1)
        case .fresh, .failed:
            let k = Int64(min(request.last, Int(clamping: maxReplay)))
            entries = k > 0 ? history.entries(after: max(0, history.top - k)) : []
        }
        return ChannelRead(epoch: history.epoch, top: history.top, outcome: outcome, entries: entries)
    }

    /// Offsets after `after`, oldest first (the gap fill; nil when `after + 1` is no longer stored).
    package mutating func entries(after: Int64, now: Int64) -> [HistoryEntry]? {
        history.expire(now: now)
        guard after < history.top else { return [] }
        guard let first = history.firstOffset, first <= after + 1 else { return nil }
        return history.entries(after: after)
    }

    package enum PublishResult: Sendable, Equatable {
        /// Stored as `entry` (deliver it to every member); `ack` (if the client gave an id) to the sender.
        case stored(HistoryEntry, ack: String?)
        /// The id was seen within 5 minutes: only the same `ack` again, nothing delivered.
        case duplicate(ack: String)
    }

    /// Stores one client publish. `atMilliseconds`: wall clock for `at`; `now`: monotonic ms.
    package mutating func publish(_ request: PublishRequest, from login: String, atMilliseconds: Int64, now: Int64)
        -> PublishResult
    {
        if let id = request.id, let offset = dedupe.offset(for: id, now: now) {
            return .duplicate(ack: RealtimeEnvelope.ack(id: id, offset: offset))
        }
        let stored = Array(RealtimeEnvelope.storedMessage(
            channel: channel, from: login, atMilliseconds: atMilliseconds, id: request.id, data: request.data).utf8)
        let offset = history.append(payload: stored, atMilliseconds: atMilliseconds, now: now)
        var ack: String?
        if let id = request.id {
            dedupe.record(id, offset: offset, now: now)
            ack = RealtimeEnvelope.ack(id: id, offset: offset)
        }
        return .stored(HistoryEntry(offset: offset, atMilliseconds: atMilliseconds, payload: stored), ack: ack)
    }
}
