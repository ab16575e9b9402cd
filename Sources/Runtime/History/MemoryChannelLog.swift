/// One channel of the memory store: history, publish-id dedupe and the join reply, composed from
/// the pure pieces so `ChannelHub` only has to hold one of these per channel (under its lock) and
/// deliver what it returns.
///
/// Every frame handed out is final bytes: `hello` text, and stored messages with their offset and
/// epoch spliced in once (`RealtimeEnvelope.withPosition`), shared by every member.
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

    package struct JoinReply: Sendable, Equatable {
        package var outcome: RecoveryOutcome
        package var hello: String
        /// The missed messages (or the `last=k` backfill), in offset order, after `hello`.
        package var replay: [[UInt8]]
        /// The newcomer's position after the replay (the top offset).
        package var position: Int64
    }

    /// `hello` + replay for a newcomer. `now`: monotonic ms (history TTL).
    package mutating func join(_ request: RecoveryRequest, members: [PresenceMember], now: Int64) -> JoinReply {
        history.expire(now: now)
        let outcome = RecoveryDecision.decide(
            epoch: request.epoch, offset: request.offset, stream: history.position, maxReplay: maxReplay)
        var entries: [HistoryEntry]
        switch outcome {
        case .recovered(let from, _): entries = history.entries(after: from - 1)
        case .fresh, .failed:
            let k = Int64(min(request.last, Int(clamping: maxReplay)))
            entries = k > 0 ? history.entries(after: max(0, history.top - k)) : []
        }
        let hello = RealtimeEnvelope.hello(
            channel: channel, epoch: history.epoch, offset: history.top, outcome: outcome, members: members)
        let replay = entries.map { RealtimeEnvelope.withPosition($0.payload, offset: $0.offset, epoch: history.epoch) }
        return JoinReply(outcome: outcome, hello: hello, replay: replay, position: history.top)
    }

    package enum PublishResult: Sendable, Equatable {
        /// Stored under `offset`: deliver `frame` to every member; `ack` (if the client gave an id) to the sender.
        case stored(offset: Int64, frame: [UInt8], ack: String?)
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
        return .stored(offset: offset, frame: RealtimeEnvelope.withPosition(stored, offset: offset, epoch: history.epoch), ack: ack)
    }
}
