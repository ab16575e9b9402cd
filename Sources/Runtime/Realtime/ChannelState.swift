/// One channel's local members: an array for cheap snapshots (copy-on-write, shared by a whole
/// fan-out), an index for O(1) removal, and per member the offset it already has beyond the
/// channel's position (`skips`: a joiner whose merge read further than this instance has delivered).
struct ChannelMembers {
    private(set) var handles: [ConnectionHandle] = []
    private(set) var skips: [Int64] = []
    private var positions: [ConnectionHandle: Int] = [:]

    func contains(_ handle: ConnectionHandle) -> Bool { positions[handle] != nil }

    mutating func insert(_ handle: ConnectionHandle, skip: Int64) {
        guard positions[handle] == nil else { return }
        positions[handle] = handles.count
        handles.append(handle)
        skips.append(skip)
    }

    mutating func remove(_ handle: ConnectionHandle) -> Bool {
        guard let position = positions.removeValue(forKey: handle) else { return false }
        let last = handles.removeLast()
        let lastSkip = skips.removeLast()
        if position < handles.count {
            handles[position] = last
            skips[position] = lastSkip
            positions[last] = position
        }
        return true
    }

    /// Members that do not have `offset` yet.
    func lacking(_ offset: Int64) -> [ConnectionHandle] {
        var out: [ConnectionHandle] = []
        for index in handles.indices where skips[index] < offset { out.append(handles[index]) }
        return out
    }

    mutating func clearSkips() {
        for index in skips.indices { skips[index] = 0 }
    }
}

/// A connection registered on a channel whose `hello` is not sent yet: what it asked for, and
/// every live message that arrived since it registered (merged with the history read).
struct Joiner {
    var login: String
    var request: RecoveryRequest
    var buffer: [LiveMessage] = []
}

/// A gap fill in flight: entries of `channel` after `after` under `epoch`; `id` tells a stale
/// answer (the channel was reset or refilled meanwhile) from the current one.
struct FillRequest: Sendable {
    var channel: String
    var epoch: String
    var after: Int64
    var id: Int
}

/// The delivery state of one channel on this instance, changed only under the hub's lock.
struct ChannelState {
    var members = ChannelMembers()
    var joiners: [ConnectionHandle: Joiner] = [:]
    /// The epoch members are in (nil until a store read told it, e.g. Redis was down at the join).
    var epoch: String?
    /// The last offset delivered to the members, in order.
    var last: Int64 = 0
    /// The largest member skip (0 when none is ahead: the fan-out then takes every member as is).
    var maxSkip: Int64 = 0
    /// A fill is in flight: live messages wait in `held` until it answers.
    var filling = false
    var fillID = 0
    var held: [LiveMessage] = []
    /// Epochs this channel left: a late message of one of them is dropped, never a step back.
    var retired: [String] = []
    /// Users listed in the channel (cluster-wide, from `hello.members` and presence events): their
    /// `since`, and the count a `join`/`leave` reports.
    var users: [String: Int64] = [:]

    var isEmpty: Bool { members.handles.isEmpty && joiners.isEmpty }

    func contains(_ handle: ConnectionHandle) -> Bool { members.contains(handle) || joiners[handle] != nil }

    /// The first member: the channel's position is the store's.
    mutating func adopt(epoch: String, top: Int64) {
        if let old = self.epoch, old != epoch { retire(old) }
        self.epoch = epoch
        last = top
        maxSkip = 0
        members.clearSkips()
        filling = false
        held = []
    }

    /// Tells every member the stream continues at `offset` of `epoch` (in-band `reset`).
    mutating func reset(epoch: String, offset: Int64, reason: RecoveryFailure, output: Output) {
        let text = RealtimeEnvelope.reset(epoch: epoch, offset: offset, reason: reason)
        output.post(ChannelHub.frame(text), to: members.handles)
        let keepFilling = filling && self.epoch == epoch
        let held = self.held
        adopt(epoch: epoch, top: offset)
        if keepFilling {
            filling = true
            self.held = held
        }
    }

    /// A live message for the members; returns a fill to start when it revealed a gap.
    mutating func accept(_ message: LiveMessage, output: Output) -> FillRequest? {
        if retired.contains(message.epoch) { return nil }
        if filling {
            held.append(message)
            return nil
        }
        guard let epoch, epoch == message.epoch else {
            guard self.epoch != nil else {
                // The first epoch this instance sees (the store was down at the join): go on from here.
                reset(epoch: message.epoch, offset: message.entry.offset - 1, reason: .unavailable, output: output)
                deliverLive(message.entry, output: output)
                return nil
            }
            return enter(epoch: message.epoch, top: message.entry.offset, channel: message.channel, held: [message], output: output)
        }
        switch OffsetDelivery.classify(epoch: message.epoch, offset: message.entry.offset, currentEpoch: epoch, last: last) {
        case .deliver:
            deliverLive(message.entry, output: output)
            return nil
        case .drop, .epochChanged:
            return nil
        case .gap:
            return startFill(channel: message.channel, held: [message])
        }
    }

    /// The stream moved to another epoch (Redis restarted, was restored from a snapshot, or lost
    /// the channel): members are told `reset` to offset 0 of it, then get what it already holds
    /// (offsets 1…`top`, from the store), so a message published right after Redis came back —
    /// before this instance's pub/sub was back — still reaches everyone, in order. The held
    /// messages of the new epoch go through `accept` like any live message (offset 1 is delivered,
    /// a later one starts the fill); offsets up to `top` none of them brought come from the store.
    mutating func enter(epoch: String, top: Int64, channel: String, held: [LiveMessage], output: Output) -> FillRequest? {
        reset(epoch: epoch, offset: 0, reason: .epochChanged, output: output)
        var fill: FillRequest?
        for message in held {
            if let started = accept(message, output: output) { fill = started }
        }
        if fill == nil, !filling, last < top { fill = startFill(channel: channel, held: []) }
        return fill
    }

    /// Starts a fill from `last` (a gap, or the periodic position check); nil when one is running
    /// or there is nobody to fill for.
    mutating func startFill(channel: String, held: [LiveMessage]) -> FillRequest? {
        guard let epoch, !members.handles.isEmpty else { return nil }
        if filling {
            self.held += held
            return nil
        }
        filling = true
        fillID += 1
        self.held = held
        return FillRequest(channel: channel, epoch: epoch, after: last, id: fillID)
    }

    /// The store answered a fill: deliver what is contiguous, announce each hole with `reset`,
    /// then take the held messages as live again (which may start another fill).
    mutating func finishFill(_ fill: FillRequest, outcome: FetchOutcome, output: Output) -> FillRequest? {
        guard filling, fillID == fill.id, epoch == fill.epoch else { return nil }
        filling = false
        let held = self.held
        self.held = []
        var fetched: [HistoryEntry] = []
        var reason = RecoveryFailure.unavailable
        switch outcome {
        case .entries(let entries, _):
            fetched = entries
            reason = .expired
        case .epochChanged(let newEpoch, let top):
            return enter(
                epoch: newEpoch, top: top, channel: fill.channel, held: held.filter { $0.epoch == newEpoch }, output: output)
        case .unavailable:
            break
        }
        if let epoch {
            var pending = JoinMerge.split(
                history: fetched, buffered: held.filter { $0.epoch == epoch }.map(\.entry), after: last)
            while true {
                for entry in pending.run { deliverLive(entry, output: output) }
                guard let next = pending.beyond.first else { break }
                reset(epoch: epoch, offset: next.offset - 1, reason: reason, output: output)
                pending = JoinMerge.split(history: pending.beyond, buffered: [], after: last)
            }
        }
        var next: FillRequest?
        for message in held where message.epoch != epoch {
            if let fill = accept(message, output: output) { next = fill }
        }
        return next
    }

    /// Splices the position in and frames the message once, for every member that lacks it.
    mutating func deliverLive(_ entry: HistoryEntry, output: Output) {
        guard let epoch else { return }
        let frame = ChannelHub.frame(RealtimeEnvelope.withPosition(entry.payload, offset: entry.offset, epoch: epoch))
        if maxSkip < entry.offset {
            output.post(frame, to: members.handles)
            maxSkip = 0
        } else {
            output.post(frame, to: members.lacking(entry.offset))
        }
        last = entry.offset
    }

    private mutating func retire(_ epoch: String) {
        retired.append(epoch)
        if retired.count > 4 { retired.removeFirst() }
    }
}
