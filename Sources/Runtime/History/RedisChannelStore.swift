import Synchronization

/// The cluster store (`sessions.store: redis`): per channel a capped stream and a meta hash in
/// Redis, written by `HistoryPublishScript` (offset, `XADD MAXLEN ~`, dedupe key, `PUBLISH`, in one
/// atomic step) and read by `HistoryReadScript` (position + entries in one step, same run_id rule).
///
/// - Live: one subscriber connection, `SUBSCRIBE piloto:ch:<name>` per channel with local members;
///   each `OFFSET:EPOCH:PAYLOAD` goes to the hub, which delivers by offset (drops its own echo,
///   fills gaps with `fetch`).
/// - Publish order: publishes of one channel are sent one at a time (the next after the previous
///   answered). `EVALSHA` falls back to `EVAL` on `NOSCRIPT`; with two calls of one channel in
///   flight, another instance's `EVAL` could cache the script between them and the second would
///   run before the first's resend. Serial per channel makes that impossible; channels still run
///   in parallel, and a publish costs one round trip of latency (sub-millisecond in a region).
/// - run_id: both scripts read `INFO server` themselves (empty ARGV), so a Redis that restarted —
///   even from an older RDB snapshot with the same keys — rotates the channel's epoch on the first
///   script that touches it; the hub then sends `reset`, and reconnecting clients `epoch_changed`.
/// - Resync: `resync` runs right after the subscriber has subscribed again following a reconnect,
///   once more `reconnectFollowUpMilliseconds` later (the command connection may come back a
///   little after the subscriber), and every `resyncIntervalMilliseconds` for quiet channels.
/// - Redis down: publishes fail (`.failed`, no ack: the client resends with its id), reads answer
///   nil (`hello` with `unavailable`), fetches `.unavailable`.
package final class RedisChannelStore: ChannelStore {
    package struct Settings: Sendable {
        package var limits: ChannelHistory.Limits
        package var maxReplay: Int64 = 500
        /// The meta hash (epoch, top) outlives the messages, so a quiet channel can still answer
        /// "nothing was missed" (research: `meta_ttl` 7 d).
        package var metaTTLSeconds: Int64 = 7 * 24 * 3600
        /// Keep the epoch across a run_id change (only for Redis with `appendfsync always`).
        package var trustPersistence = false
        package var resyncIntervalMilliseconds: Int64 = 15_000
        package var reconnectFollowUpMilliseconds: Int64 = 3000

        package init(limits: ChannelHistory.Limits) { self.limits = limits }
    }

    private struct Job {
        var arguments: [String]
        var keys: [String]
        var id: String?
        var completion: @Sendable (PublishOutcome) -> Void
    }

    private struct State {
        var live: (@Sendable (LiveMessage) -> Void)?
        var resync: (@Sendable () -> Void)?
        /// Publishes waiting per channel; the first one of each queue is in flight.
        var queues: [String: [Job]] = [:]
        var resyncs = 0
        var closed = false
    }

    private let client: RedisClient
    private let settings: Settings
    private let timers: any PresenceTimers
    private let makeEpoch: @Sendable () -> String
    private let state = Mutex(State())
    private let subscriberBox = Mutex<RedisSubscriber?>(nil)
    private static let publishScript = RedisScript(HistoryPublishScript.source)
    private static let readScript = RedisScript(HistoryReadScript.source)

    /// - Parameters:
    ///   - client: the shared command connection (scripts);
    ///   - url/options: for the subscriber connection this store opens (on the client's loop);
    ///   - timers: the periodic resync (tests pass `ManualPresenceTimers`).
    package init(
        client: RedisClient, url: RedisURL, options: RedisClientOptions = RedisClientOptions(), settings: Settings,
        timers: any PresenceTimers = DispatchPresenceTimers(label: "piloto-history"),
        makeEpoch: @escaping @Sendable () -> String = { ChannelEpoch.make() }
    ) {
        self.client = client
        self.settings = settings
        self.timers = timers
        self.makeEpoch = makeEpoch
        var options = options
        let previous = options.onResubscribed
        let box = WeakBox<RedisChannelStore>()
        options.onResubscribed = { subscriptions in
            previous?(subscriptions)
            box.value?.subscriberCameBack()
        }
        let subscriber = RedisSubscriber(url: url, loop: client.loop, options: options) { channel, payload in
            box.value?.received(channel: channel, payload: payload)
        }
        box.value = self
        subscriberBox.withLock { $0 = subscriber }
        schedulePeriodicResync()
    }

    deinit { close() }

    /// Stops the subscriber and the timers (the command client belongs to the caller).
    package func close() {
        state.withLock { $0.closed = true }
        subscriberBox.withLock { $0?.close() }
    }

    /// The subscriber connection is up.
    package var isSubscriberConnected: Bool { subscriberBox.withLock { $0?.isConnected ?? false } }
    /// How many times `resync` was asked for (tests, logs).
    package var resyncCount: Int { state.withLock { $0.resyncs } }

    package func setReceivers(live: @escaping @Sendable (LiveMessage) -> Void, resync: @escaping @Sendable () -> Void) {
        state.withLock {
            $0.live = live
            $0.resync = resync
        }
    }

    package func subscribe(_ channel: String) {
        subscriberBox.withLock { $0?.subscribe(HistoryPublishScript.pubsubChannel(channel)) }
    }

    package func unsubscribe(_ channel: String) {
        subscriberBox.withLock { $0?.unsubscribe(HistoryPublishScript.pubsubChannel(channel)) }
    }

    package func read(channel: String, request: RecoveryRequest, completion: @escaping @Sendable (ChannelRead?) -> Void) {
        let maxReplay = settings.maxReplay
        let last = Int64(min(Int64(request.last), maxReplay))
        runRead(channel: channel, epoch: request.epoch ?? "", after: request.offset ?? -1, limit: maxReplay, last: last) { read in
            guard let read else { return completion(nil) }
            let position = read.position
            let outcome = RecoveryDecision.decide(
                epoch: request.epoch, offset: request.offset, stream: position, maxReplay: maxReplay)
            let entries: [HistoryEntry]
            switch outcome {
            case .recovered(let from, let through): entries = read.range.filter { $0.offset >= from && $0.offset <= through }
            case .fresh, .failed: entries = read.tail.filter { $0.offset <= position.top }
            }
            completion(ChannelRead(epoch: position.epoch, top: position.top, outcome: outcome, entries: entries))
        }
    }

    package func fetch(channel: String, epoch: String, after: Int64, completion: @escaping @Sendable (FetchOutcome) -> Void) {
        // No cap worth having: the stream holds at most `size` (plus the `~` slack); whatever was
        // trimmed shows as entries starting later, which the hub announces with `reset`.
        runRead(channel: channel, epoch: epoch, after: after, limit: 1_000_000_000, last: 0) { read in
            guard let read else { return completion(.unavailable) }
            guard read.position.epoch == epoch else {
                return completion(.epochChanged(epoch: read.position.epoch, top: read.position.top))
            }
            completion(.entries(read.range, top: read.position.top))
        }
    }

    package func publish(
        channel: String, request: PublishRequest, from login: String, atMilliseconds: Int64,
        completion: @escaping @Sendable (PublishOutcome) -> Void
    ) {
        if case .disconnected = client.state { return completion(.failed) }
        let stored = RealtimeEnvelope.storedMessage(
            channel: channel, from: login, atMilliseconds: atMilliseconds, id: request.id, data: request.data)
        let limits = settings.limits
        let arguments = [
            stored, String(limits.size), String(max(1, limits.ttlMilliseconds)), String(settings.metaTTLSeconds), makeEpoch(),
            "", HistoryPublishScript.pubsubChannel(channel), settings.trustPersistence ? "1" : "0", request.id == nil ? "0" : "1",
        ]
        let job = Job(
            arguments: arguments, keys: HistoryPublishScript.keys(channel: channel, publishID: request.id), id: request.id,
            completion: completion)
        let first = state.withLock { s -> Bool in
            s.queues[channel, default: []].append(job)
            return s.queues[channel]?.count == 1
        }
        if first { send(job, channel: channel) }
    }

    // MARK: Internals

    private func send(_ job: Job, channel: String) {
        Self.publishScript.run(on: client, keys: job.keys, arguments: job.arguments) { [weak self] result in
            let outcome: PublishOutcome
            if case .success(let value) = result, let published = RedisChannelReplies.published(value) {
                let ack = job.id.map { RealtimeEnvelope.ack(id: $0, offset: published.offset) }
                outcome = published.duplicate ? ack.map { .duplicate(ack: $0) } ?? .stored(ack: nil) : .stored(ack: ack)
            } else {
                outcome = .failed
            }
            job.completion(outcome)
            self?.sendNext(channel)
        }
    }

    private func sendNext(_ channel: String) {
        let next: Job? = state.withLock { s in
            guard var queue = s.queues.removeValue(forKey: channel) else { return nil }
            queue.removeFirst()
            guard let head = queue.first else { return nil }
            s.queues[channel] = queue
            return head
        }
        if let next { send(next, channel: channel) }
    }

    private func runRead(
        channel: String, epoch: String, after: Int64, limit: Int64, last: Int64,
        completion: @escaping @Sendable (RedisChannelReplies.Read?) -> Void
    ) {
        if case .disconnected = client.state { return completion(nil) }
        let keys = Array(HistoryPublishScript.keys(channel: channel, publishID: nil).prefix(2))
        let arguments = [
            makeEpoch(), "", settings.trustPersistence ? "1" : "0", String(settings.metaTTLSeconds), epoch, String(after),
            String(limit), String(last),
        ]
        Self.readScript.run(on: client, keys: keys, arguments: arguments) { result in
            guard case .success(let value) = result else { return completion(nil) }
            completion(RedisChannelReplies.read(value))
        }
    }

    private func received(channel: String, payload: [UInt8]) {
        let prefix = HistoryPublishScript.pubsubChannel("")
        guard channel.hasPrefix(prefix),
              let message = RedisChannelReplies.live(channel: String(channel.dropFirst(prefix.count)), payload: payload),
              let live = state.withLock({ $0.live })
        else { return }
        live(message)
    }

    /// Messages published while the subscriber was away were lost on pub/sub: check positions now,
    /// and once more shortly after (the scripts need the command connection, which may lag).
    private func subscriberCameBack() {
        requestResync()
        timers.schedule(at: timers.nowMilliseconds() + settings.reconnectFollowUpMilliseconds) { [weak self] in
            self?.requestResync()
        }
    }

    private func schedulePeriodicResync() {
        timers.schedule(at: timers.nowMilliseconds() + settings.resyncIntervalMilliseconds) { [weak self] in
            guard let self, !self.state.withLock({ $0.closed }) else { return }
            self.requestResync()
            self.schedulePeriodicResync()
        }
    }

    private func requestResync() {
        let resync = state.withLock { s -> (@Sendable () -> Void)? in
            guard !s.closed else { return nil }
            s.resyncs += 1
            return s.resync
        }
        resync?()
    }
}

/// A weak reference the subscriber's callbacks can hold before `self` exists.
private final class WeakBox<T: AnyObject & Sendable>: Sendable {
    private let storage = Mutex<T?>(nil)
    var value: T? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
