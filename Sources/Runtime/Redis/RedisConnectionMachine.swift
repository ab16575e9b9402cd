/// One Redis connection as a pure state machine (the same shape as `WebSocketConnection`): socket
/// events, replies and time in, `Action`s out. It never touches a socket, a thread or a clock, so
/// handshakes, pipelining, timeouts, back-off and resubscription are all tested with a manual
/// clock and no Redis (`RedisConnectionMachineTests`).
///
/// ```
///            start()                 connected()               last handshake reply
///   ┌──────┐ ──────▶ ┌────────────┐ ──────────▶ ┌─────────────┐ ─────────────────▶ ┌───────┐
///   │ idle │         │ connecting │             │ handshaking │                    │ ready │
///   └──────┘         └────────────┘             └─────────────┘                    └───────┘
///                      ▲     │ connect failed / timed out │ error reply, timeout,     │
///                      │     ▼                            ▼ protocol error, EOF      ▼
///                      │   ┌───────────────────────────────────────────────────────────┐
///                      └── │ backingOff(until:) — jittered, capped (`RedisBackoff`)     │
///                 tick ≥   └───────────────────────────────────────────────────────────┘
///                 until          close() from any state ─▶ closed (everything fails .closed)
/// ```
///
/// - Handshake: `AUTH` (from the URL), `SELECT` (db ≠ 0), then `INFO server`, pipelined in one write.
///   An error reply to AUTH/SELECT (or NOAUTH to INFO) is a connection failure; INFO's reply gives
///   the server's `run_id`, reported in `.ready`. A server that refuses INFO otherwise (an ACL
///   without it) is still usable, with `runID == nil`.
/// - Pending FIFO: every command written is one `Pending` entry with a typed tag; Redis answers in
///   order, so the n-th reply belongs to the n-th entry (pipelining). Pub/sub pushes are recognised
///   by shape and never consume an entry.
/// - Deadlines: connect (`connectTimeout`), the oldest unanswered entry (`commandTimeout` after it
///   was written or after the last bytes arrived, whichever is later: a hung server is caught
///   within one timeout, a long pipeline that makes progress is not failed for its length), a
///   periodic `PING` on subscriber connections (`healthCheckInterval`), and commands held during
///   the very first connect.
/// - Failures close the socket, fail every pending command with one typed error, and back off.
///   While backing off (or reconnecting after a failure) new commands fail at once with
///   `.connectionFailed`: callers answer 503 instead of piling up requests behind a dead Redis.
///   Only the first connect, at boot, holds commands until it completes.
/// - Subscriptions are a wanted set: the machine reconciles the wire with it, re-issues the whole
///   set after every reconnect, and reports `.resubscribed` once Redis has confirmed all of it, so
///   a consumer knows from when on it could have missed messages and can heal the gap.
///
/// Driver contract (`RedisConnection` + a `RedisTransport`):
/// - call `start(now:)` once and carry out the actions in order; never call back into the machine
///   from inside an action (a transport that fails synchronously reports it on its next turn);
/// - `.connect` opens a socket: report `connected(now:)` or `connectFailed(_:now:)`; afterwards
///   report bytes with `bytesReceived(_:now:)` and EOF or an I/O error with `closed(_:now:)`;
/// - `.write` bytes are queued on the socket in order; `.close` drops the socket and what is queued;
/// - keep one timer: each `.scheduleTimer(at:)` replaces the previous one; call `tick(now:)` when
///   it fires (a late or spurious tick is harmless).
package struct RedisConnectionMachine<Instant: InstantProtocol, Tag: Sendable>: Sendable where Instant.Duration == Duration {
    /// What the driver must do, in order.
    package enum Action: Sendable {
        /// Open a TCP connection (non-blocking).
        case connect(host: String, port: Int)
        /// Queue these bytes on the socket.
        case write([UInt8])
        /// Close the socket now, dropping queued bytes.
        case close
        /// Call `tick(now:)` at this instant; replaces any timer scheduled before.
        case scheduleTimer(at: Instant)
        /// The command tagged `Tag` got this reply.
        case complete(Tag, RESPValue)
        /// The command tagged `Tag` failed (an error reply, a timeout, a lost connection, `close()`).
        case fail(Tag, RedisError)
        /// A pub/sub message for a wanted subscription.
        case deliver(RedisPubSubMessage)
        /// The connection's state as readiness and logs see it; only sent when it changes.
        case stateChanged(RedisConnectionState)
        /// The handshake is done; `info.runID` tells a restarted server from the one seen before.
        case ready(RedisServerInfo)
        /// Redis confirmed this subscription: messages published from now on will be delivered.
        case subscribed(RedisSubscription)
        /// After a reconnect, every wanted subscription is active again (listed, sorted; empty when
        /// nothing is wanted). Messages published while the link was down were lost.
        case resubscribed([RedisSubscription])
    }

    /// The connection's lifecycle; see the diagram above.
    package enum Phase: Sendable, Equatable {
        /// Created; `start(now:)` not called yet. Commands are held as during the first connect.
        case idle
        /// A TCP connect is in progress until `deadline`.
        case connecting(deadline: Instant)
        /// Connected; AUTH/SELECT/INFO sent, replies pending.
        case handshaking
        /// Commands flow.
        case ready
        /// The last attempt failed; the next one starts at `until`.
        case backingOff(until: Instant)
        /// `close()` was called; every further call fails commands with `.closed` and does nothing else.
        case closed
    }

    /// Which handshake command a reply answers.
    package enum HandshakeStep: Sendable, Equatable {
        case auth, select, info
    }

    /// What a pending reply belongs to: the typed tag of the FIFO.
    package enum Pending: Sendable {
        case handshake(HandshakeStep)
        case command(Tag)
        case subscribe(RedisSubscription)
        case unsubscribe(RedisSubscription)
        /// The subscriber's health check.
        case ping
    }

    /// Everything the machine needs to know, fixed for its lifetime.
    package struct Configuration: Sendable {
        package var url: RedisURL
        /// Subscriber connections recognise pub/sub pushes and send a periodic PING.
        package var isSubscriber: Bool
        package var connectTimeout: Duration
        package var commandTimeout: Duration
        /// Subscriber only: PING this often when ready, so a silently dead link is noticed.
        package var healthCheckInterval: Duration
        package var initialBackoffMilliseconds: Int64
        package var maxBackoffMilliseconds: Int64
        package var maxQueuedWhileConnecting: Int
        package var limits: RESPLimits

        package init(url: RedisURL, options: RedisClientOptions = RedisClientOptions(), isSubscriber: Bool = false) {
            self.url = url
            self.isSubscriber = isSubscriber
            connectTimeout = .milliseconds(options.connectTimeoutMilliseconds)
            commandTimeout = .milliseconds(options.commandTimeoutMilliseconds)
            healthCheckInterval = .milliseconds(options.subscriberPingIntervalMilliseconds)
            initialBackoffMilliseconds = options.initialBackoffMilliseconds
            maxBackoffMilliseconds = options.maxBackoffMilliseconds
            maxQueuedWhileConnecting = options.maxQueuedWhileConnecting
            limits = options.limits
        }
    }

    struct Entry: Sendable {
        var pending: Pending
        var sentAt: Instant
    }

    struct Held: Sendable {
        var bytes: [UInt8]
        var tag: Tag
        var deadline: Instant
    }

    package let configuration: Configuration
    package internal(set) var phase: Phase = .idle
    /// The last state reported through `.stateChanged`.
    package internal(set) var reportedState: RedisConnectionState?
    /// From the last successful handshake.
    package internal(set) var serverInfo: RedisServerInfo?
    /// What the consumer asked to be subscribed to.
    package internal(set) var wanted: Set<RedisSubscription> = []

    var parser: RESPParser
    var backoff: RedisBackoff
    var random: any RandomNumberGenerator & Sendable
    var entries: [Entry] = []
    var head = 0
    var held: [Held] = []
    var lastFailure = "not connected yet"
    var lastReadAt: Instant?
    var nextPingAt: Instant?
    /// Subscriptions SUBSCRIBEd (or UNSUBSCRIBEd) on the current socket.
    var onWire: Set<RedisSubscription> = []
    /// After a reconnect: what was re-issued and is not confirmed yet; nil when not resubscribing.
    var resubscribing: Set<RedisSubscription>?
    /// The set re-issued after the last reconnect, in wire order.
    var resubscribeBatch: [RedisSubscription] = []
    /// Ready at least once, so the next handshake is a reconnect.
    var hasBeenReady = false
    var scheduled: Instant?

    /// - Parameter random: the jitter source of the back-off (tests pass a seeded one).
    package init(configuration: Configuration, random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.configuration = configuration
        self.random = random
        parser = RESPParser(limits: configuration.limits)
        backoff = RedisBackoff(initial: configuration.initialBackoffMilliseconds, cap: configuration.maxBackoffMilliseconds)
    }

    /// Commands written and not answered yet (handshake and pings included).
    package var pendingCount: Int { entries.count - head }
    /// Commands held during the first connect.
    package var heldCount: Int { held.count }
    /// Consecutive failed attempts (0 once a handshake succeeds).
    package var failedAttempts: Int { backoff.attempt }

    // MARK: Inputs

    /// The first connect attempt.
    package mutating func start(now: Instant) -> [Action] {
        guard case .idle = phase else { return [] }
        var actions: [Action] = []
        beginConnect(now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// The TCP connect completed: send the handshake.
    package mutating func connected(now: Instant) -> [Action] {
        guard case .connecting = phase else { return [] }
        var actions: [Action] = []
        phase = .handshaking
        lastReadAt = now
        var bytes: [UInt8] = []
        let url = configuration.url
        if let password = url.password {
            RESPEncoder.appendCommand((url.user.map { ["AUTH", $0] } ?? ["AUTH"]).map { Array($0.utf8) } + [Array(password.utf8)], to: &bytes)
            entries.append(Entry(pending: .handshake(.auth), sentAt: now))
        }
        if url.database != 0 {
            RESPEncoder.appendCommand([Array("SELECT".utf8), Array(String(url.database).utf8)], to: &bytes)
            entries.append(Entry(pending: .handshake(.select), sentAt: now))
        }
        RESPEncoder.appendCommand([Array("INFO".utf8), Array("server".utf8)], to: &bytes)
        entries.append(Entry(pending: .handshake(.info), sentAt: now))
        actions.append(.write(bytes))
        scheduleIfNeeded(&actions)
        return actions
    }

    /// The TCP connect failed (refused, unreachable, name not resolved).
    package mutating func connectFailed(_ error: RedisLinkError, now: Instant) -> [Action] {
        guard case .connecting = phase else { return [] }
        var actions: [Action] = []
        let url = configuration.url
        let reason =
            switch error {
            case .connect(let text): "connect \(url.host):\(url.port): \(text)"
            default: error.description
            }
        failConnection(reason: reason, error: nil, socketOpen: true, now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// The socket ended: EOF or an I/O error. Replies already passed to `bytesReceived` count.
    package mutating func closed(_ error: RedisLinkError, now: Instant) -> [Action] {
        switch phase {
        case .connecting: return connectFailed(error, now: now)
        case .handshaking, .ready: break
        case .idle, .backingOff, .closed: return []
        }
        var actions: [Action] = []
        failConnection(reason: error.description, error: nil, socketOpen: true, now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// Bytes read from the socket (any split). Ignored unless a handshake or session is under way:
    /// bytes of a connection the machine has already given up on belong to nobody.
    package mutating func bytesReceived(_ bytes: some Sequence<UInt8>, now: Instant) -> [Action] {
        received(now: now) { $0.append(bytes) }
    }

    /// Bytes straight from a read buffer.
    package mutating func bytesReceived(_ bytes: UnsafeRawBufferPointer, now: Instant) -> [Action] {
        received(now: now) { $0.append(bytes) }
    }

    /// Feeds the parser (`append` is one of its two overloads) and answers every complete reply.
    private mutating func received(now: Instant, append: (inout RESPParser) -> Void) -> [Action] {
        switch phase {
        case .handshaking, .ready: break
        default: return []
        }
        var actions: [Action] = []
        lastReadAt = now
        append(&parser)
        drain(now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// Sends one encoded command (`RESPEncoder.command`); its reply or failure comes back tagged `tag`.
    package mutating func submit(_ command: [UInt8], tag: Tag, now: Instant) -> [Action] {
        var actions: [Action] = []
        switch phase {
        case .ready:
            actions.append(.write(command))
            entries.append(Entry(pending: .command(tag), sentAt: now))
        case .idle, .connecting, .handshaking:
            if backoff.attempt > 0 {
                // A reconnect during an outage: fail fast, as in back-off.
                actions.append(.fail(tag, .connectionFailed(lastFailure)))
            } else if held.count < configuration.maxQueuedWhileConnecting {
                let wait = configuration.commandTimeout + configuration.connectTimeout
                held.append(Held(bytes: command, tag: tag, deadline: now.advanced(by: wait)))
            } else {
                actions.append(.fail(tag, .connectionFailed("too many commands queued while connecting")))
            }
        case .backingOff:
            actions.append(.fail(tag, .connectionFailed(lastFailure)))
        case .closed:
            actions.append(.fail(tag, .closed))
        }
        scheduleIfNeeded(&actions)
        return actions
    }

    /// Runs every deadline that is due.
    package mutating func tick(now: Instant) -> [Action] {
        if let at = scheduled, at <= now { scheduled = nil }  // the driver's timer has fired
        var actions: [Action] = []
        switch phase {
        case .idle, .closed:
            return []
        case .backingOff(let until):
            if until <= now { beginConnect(now: now, &actions) }
        case .connecting(let deadline):
            if deadline <= now {
                let url = configuration.url
                failConnection(reason: "connect \(url.host):\(url.port): timed out", error: nil, socketOpen: true, now: now, &actions)
            }
        case .handshaking, .ready:
            if let deadline = headDeadline, deadline <= now {
                failConnection(reason: "\(describe(entries[head].pending)) timed out", error: .timeout, socketOpen: true, now: now, &actions)
            } else if case .ready = phase, configuration.isSubscriber, let at = nextPingAt, at <= now {
                actions.append(.write(RESPEncoder.command(["PING"])))
                entries.append(Entry(pending: .ping, sentAt: now))
                nextPingAt = now.advanced(by: configuration.healthCheckInterval)
            }
        }
        expireHeld(now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// Stops for good: the socket closes, every pending and held command fails with `.closed`.
    package mutating func close() -> [Action] {
        var actions: [Action] = []
        switch phase {
        case .closed: return []
        case .connecting, .handshaking, .ready: actions.append(.close)
        case .idle, .backingOff: break
        }
        phase = .closed
        report(.closed, &actions)
        failPending(.closed, &actions)
        onWire = []
        resubscribing = nil
        return actions
    }
}

extension RedisConnectionMachine.Action: Equatable where Tag: Equatable {}
