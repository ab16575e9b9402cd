import Synchronization

/// Who is in which channel on this instance, and the delivery of each stored message to them by
/// offset: each member receives each offset of an epoch exactly once, in order, and every
/// discontinuity is announced (`hello` with `recovered:false`, or an in-band `reset`).
///
/// - Join (race-free, research "Server core"): the newcomer is registered as a *joiner* whose
///   live messages are buffered from that moment; then presence and the store are read; the
///   history and the buffer are merged by offset (`JoinMerge.split`), and `hello`, the replay and
///   the buffered rest are posted to it, all under the hub's lock, before it becomes a member.
/// - Live (`ChannelStore` receiver): `offset == last+1` deliver; `≤ last` drop (this also removes
///   an instance's own echo from Redis); a jump → hold what follows and fetch the gap from the
///   store, then deliver in order, or `reset` if it was trimmed or the epoch changed.
/// - `resync()` (after a pub/sub reconnect, and periodically) re-reads each channel's position
///   the same way, so a lost pub/sub message is filled without anyone reconnecting.
///
/// One encoding per message: a live message is spliced (`RealtimeEnvelope.withPosition`) and
/// framed once, and the same bytes go to all members in one `deliver` call (one mailbox post per
/// loop). Frames are posted while holding the lock, so two messages reach every member in offset
/// order. The lock is never held while calling the store or presence (they may call back under
/// their own locks), except `subscribe`/`unsubscribe`, which only queue work.
package final class ChannelHub: Sendable {
    /// Posts a frame to connections on their own loops (`ServerLink.deliver(_:toEach:)`).
    package typealias Deliver = @Sendable (_ frame: [UInt8], _ to: [ConnectionHandle]) -> Void

    private let channels = Mutex<[String: ChannelState]>([:])
    private let deliver: Deliver
    private let store: any ChannelStore
    private let presence: any PresenceDirectory
    private let clock: @Sendable () -> Int64
    /// Names this instance's connections in the presence directory (unique across instances).
    private let instance = ChannelEpoch.make()

    /// Replay frames are posted in batches of at most this many bytes (one mailbox post each),
    /// below the connection's 1 MiB back-pressure mark.
    static let replayBatchBytes = 256 * 1024

    /// - Parameters:
    ///   - store: where messages are stored and come back live (memory or Redis).
    ///   - presence: who is in each channel (cluster-wide with Redis) and the debounced join/leave.
    ///   - clock: wall-clock Unix milliseconds (`at`, presence `since`).
    ///   - deliver: posts frame bytes to members' connections.
    package init(
        store: any ChannelStore, presence: any PresenceDirectory,
        clock: @escaping @Sendable () -> Int64 = { ChannelEnvelope.nowMilliseconds() },
        deliver: @escaping Deliver
    ) {
        self.store = store
        self.presence = presence
        self.clock = clock
        self.deliver = deliver
        store.setReceivers(
            live: { [weak self] message in self?.received(message) },
            resync: { [weak self] in self?.resync() })
        presence.setObserver { [weak self] channel, event in self?.presenceChanged(channel, event) }
    }

    /// Local members of `channel` (joiners included).
    package func memberCount(_ channel: String) -> Int {
        channels.withLock { table in table[channel].map { $0.members.handles.count + $0.joiners.count } ?? 0 }
    }

    /// A connection opened on `channel`: it gets `hello`, then what `request` asks to recover, then live traffic.
    package func join(_ channel: String, handle: ConnectionHandle, login: String, request: RecoveryRequest = RecoveryRequest()) {
        let joiner = Joiner(login: login, request: request)
        guard channels.withLock({ register(joiner, handle: handle, channel: channel, in: &$0) }) else { return }
        presence.connect(channel: channel, user: login, connection: connectionID(handle), now: clock())
        let store = self.store
        presence.members(channel: channel) { [weak self] members in
            store.read(channel: channel, request: request) { [weak self] read in
                self?.completeJoin(channel, handle: handle, members: members, read: read)
            }
        }
    }

    /// Adds a joiner (false: the handle is already there); the first one subscribes the channel.
    private func register(
        _ joiner: Joiner, handle: ConnectionHandle, channel: String, in table: inout [String: ChannelState]
    ) -> Bool {
        var state = table.removeValue(forKey: channel) ?? ChannelState()
        defer { table[channel] = state }
        if state.contains(handle) { return false }
        if state.isEmpty { store.subscribe(channel) }
        state.joiners[handle] = joiner
        return true
    }

    /// The connection closed (or never finished joining).
    package func leave(_ channel: String, handle: ConnectionHandle, login: String) {
        let removed: Bool = channels.withLock { table in
            guard var state = table.removeValue(forKey: channel) else { return false }
            let removed = state.members.remove(handle) || state.joiners.removeValue(forKey: handle) != nil
            if state.isEmpty {
                store.unsubscribe(channel)
            } else {
                table[channel] = state
            }
            return removed
        }
        if removed { presence.disconnect(channel: channel, user: login, connection: connectionID(handle), now: clock()) }
    }

    /// A member's text frame: a publish envelope (acked, deduped by id) or plain text.
    package func publish(_ channel: String, handle: ConnectionHandle, from login: String, text: String) {
        let request = PublishRequest.parse(text)
        let deliver = self.deliver
        store.publish(channel: channel, request: request, from: login, atMilliseconds: clock()) { outcome in
            switch outcome {
            case .stored(let ack?), .duplicate(let ack): deliver(Self.frame(ack), [handle])
            case .stored(nil), .failed: break
            }
        }
    }

    /// Checks every channel's position against the store and fills what this instance missed.
    package func resync() {
        let fills: [FillRequest] = channels.withLock { table in
            var fills: [FillRequest] = []
            for name in table.keys.sorted() {
                guard var state = table.removeValue(forKey: name) else { continue }
                if let fill = state.startFill(channel: name, held: []) { fills.append(fill) }
                table[name] = state
            }
            return fills
        }
        for fill in fills { start(fill) }
    }

    // MARK: Store and presence callbacks

    private func completeJoin(_ channel: String, handle: ConnectionHandle, members: [PresenceMember], read: ChannelRead?) {
        let fill: FillRequest? = channels.withLock { table in
            guard var state = table.removeValue(forKey: channel) else { return nil }
            defer { table[channel] = state }
            guard let joiner = state.joiners.removeValue(forKey: handle) else { return nil }
            for member in members where state.users[member.user] == nil { state.users[member.user] = member.sinceMilliseconds }
            var frames: [[UInt8]] = []
            let output = Output(deliver: deliver)
            guard let read else {
                // The store is down: the newcomer continues from where this instance is.
                let hello = RealtimeEnvelope.hello(
                    channel: channel, epoch: state.epoch ?? "", offset: state.last, outcome: .failed(.unavailable),
                    members: members)
                output.post([Self.frame(hello)], to: handle)
                state.members.insert(handle, skip: 0)
                return nil
            }
            var pending: FillRequest?
            if state.members.handles.isEmpty {
                state.adopt(epoch: read.epoch, top: read.top)
            } else if state.epoch == nil {
                // Members joined while the store was down: they continue from here.
                state.reset(epoch: read.epoch, offset: read.top, reason: .unavailable, output: output)
            } else if state.epoch != read.epoch {
                // The store moved on (another epoch): everyone here is told, then gets what it holds.
                pending = state.enter(epoch: read.epoch, top: read.top, channel: channel, held: [], output: output)
            }
            frames.append(Self.frame(RealtimeEnvelope.hello(
                channel: channel, epoch: read.epoch, offset: read.top, outcome: read.outcome, members: members)))
            let buffered = joiner.buffer.filter { $0.epoch == read.epoch }.map(\.entry)
            let merged: (run: [HistoryEntry], last: Int64, beyond: [HistoryEntry])
            if case .recovered(let from, _) = read.outcome {
                merged = JoinMerge.split(history: read.entries, buffered: buffered, after: from - 1)
            } else {
                frames += read.entries.map { Self.frame(RealtimeEnvelope.withPosition($0.payload, offset: $0.offset, epoch: read.epoch)) }
                merged = JoinMerge.split(history: [], buffered: buffered, after: read.top)
            }
            frames += merged.run.map { Self.frame(RealtimeEnvelope.withPosition($0.payload, offset: $0.offset, epoch: read.epoch)) }
            var skip = merged.last
            if merged.last < state.last {
                // This instance delivered offsets the merge could not cover (filled from the store
                // after the read): announce the jump rather than leave a silent hole.
                frames.append(Self.frame(RealtimeEnvelope.reset(epoch: read.epoch, offset: state.last, reason: .unavailable)))
                skip = 0
            }
            output.post(frames, to: handle)
            state.members.insert(handle, skip: skip)
            state.maxSkip = max(state.maxSkip, skip)
            return pending
        }
        if let fill { start(fill) }
    }

    private func received(_ message: LiveMessage) {
        let fill: FillRequest? = channels.withLock { table in
            guard var state = table.removeValue(forKey: message.channel) else { return nil }
            defer { table[message.channel] = state }
            for key in state.joiners.keys { state.joiners[key]?.buffer.append(message) }
            guard !state.members.handles.isEmpty else { return nil }
            let output = Output(deliver: deliver)
            return state.accept(message, output: output)
        }
        if let fill { start(fill) }
    }

    private func start(_ fill: FillRequest) {
        store.fetch(channel: fill.channel, epoch: fill.epoch, after: fill.after) { [weak self] outcome in
            self?.filled(fill, outcome: outcome)
        }
    }

    private func filled(_ fill: FillRequest, outcome: FetchOutcome) {
        let next: FillRequest? = channels.withLock { table in
            guard var state = table.removeValue(forKey: fill.channel) else { return nil }
            defer { table[fill.channel] = state }
            let output = Output(deliver: deliver)
            return state.finishFill(fill, outcome: outcome, output: output)
        }
        if let next { start(next) }
    }

    private func presenceChanged(_ channel: String, _ event: PresenceEvent) {
        channels.withLock { table in
            guard var state = table.removeValue(forKey: channel) else { return }
            defer { table[channel] = state }
            let text: String
            switch event {
            case .join(let member):
                state.users[member.user] = member.sinceMilliseconds
                text = RealtimeEnvelope.presence(
                    .join, channel: channel, member: member, atMilliseconds: clock(), members: state.users.count)
            case .leave(let user):
                let since = state.users.removeValue(forKey: user) ?? clock()
                text = RealtimeEnvelope.presence(
                    .leave, channel: channel, member: PresenceMember(user: user, sinceMilliseconds: since),
                    atMilliseconds: clock(), members: state.users.count)
            }
            guard !state.members.handles.isEmpty else { return }
            deliver(Self.frame(text), state.members.handles)
        }
    }

    private func connectionID(_ handle: ConnectionHandle) -> String {
        "\(instance):\(handle.loop):\(handle.fd):\(handle.generation)"
    }

    static func frame(_ text: String) -> [UInt8] { WebSocketFrameEncoder.encode(opcode: .text, payload: Array(text.utf8)) }

    static func frame(_ payload: [UInt8]) -> [UInt8] { WebSocketFrameEncoder.encode(opcode: .text, payload: payload) }
}

/// Posts frames from inside the hub's lock: many frames to one joiner are concatenated into
/// batches (`ChannelHub.replayBatchBytes`), so a 500-message replay is a few mailbox posts.
struct Output {
    let deliver: ChannelHub.Deliver

    func post(_ frames: [[UInt8]], to handle: ConnectionHandle) {
        var batch: [UInt8] = []
        for frame in frames {
            if !batch.isEmpty && batch.count + frame.count > ChannelHub.replayBatchBytes {
                deliver(batch, [handle])
                batch = []
            }
            batch += frame
        }
        if !batch.isEmpty { deliver(batch, [handle]) }
    }

    func post(_ frame: [UInt8], to handles: [ConnectionHandle]) {
        guard !handles.isEmpty else { return }
        deliver(frame, handles)
    }
}
