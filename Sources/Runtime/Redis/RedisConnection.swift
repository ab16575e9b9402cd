import CLinuxEvents
import FoundationEssentials
import Glibc
import Synchronization

/// One Redis connection driven by its own thread and its own epoll set, so a slow or dead Redis
/// never blocks a server event loop. `RedisClient` (commands) and `RedisSubscriber` (pub/sub) are
/// thin façades over it.
///
/// Threading: other threads only touch `shared` (under its mutex) and write to the eventfd; all
/// other state is owned by the connection's thread (hence `@unchecked Sendable`). Completions and
/// the message handler run on that thread, never with the mutex held.
///
/// Lifecycle of the socket: connect (non-blocking, bounded by `connectTimeoutMilliseconds`) →
/// handshake (`AUTH`, `SELECT` from the URL, then `PING`; replies checked in order) → ready. Any
/// failure closes the socket, fails what was in flight, and schedules a reconnect with jittered
/// exponential back-off. While in back-off, new commands fail at once (`.connectionFailed`): callers
/// answer 503 immediately instead of piling up requests behind a dead Redis.
final class RedisConnection: @unchecked Sendable {
    typealias Completion = @Sendable (Result<RESPValue, RedisError>) -> Void
    typealias MessageHandler = @Sendable (_ channel: String, _ payload: [UInt8]) -> Void

    struct Submission {
        var bytes: [UInt8]
        var completion: Completion
    }

    private struct Shared {
        var submissions: [Submission] = []
        /// Subscriber only: the channels we should be subscribed to; reconciled on the thread.
        var channels: Set<String> = []
        var channelsChanged = false
        var stopping = false
        var state: RedisConnectionState = .connecting
    }

    enum Phase {
        case idle(reconnectAt: Int64)
        case connecting(deadline: Int64)
        case handshaking
        case ready
    }

    struct Pending {
        /// Nil for handshake commands, which the connection checks itself.
        var completion: Completion?
        /// When it was queued for writing; see `headDeadline`.
        var sentAt: Int64
        var label: String
    }

    let url: RedisURL
    let options: RedisClientOptions
    let handler: MessageHandler?
    private let shared = Mutex(Shared())
    let clock = SystemClock()
    let epfd: Int32
    let wakeFd: Int32

    // Thread-owned state: only the connection's thread reads or writes these (internal, not
    // private, because the socket half lives in RedisConnection+Socket.swift).
    var fd: Int32 = -1
    var phase: Phase = .idle(reconnectAt: 0)
    var parser: RESPParser
    var output: [UInt8] = []
    var outputOffset = 0
    var watchingWrites = false
    var pending: [Pending] = []
    var pendingHead = 0
    var waiting: [(submission: Submission, deadline: Int64)] = []
    var backoff: RedisBackoff
    var lastFailure = "not connected yet"
    var wireChannels: Set<String> = []
    var lastReadAt: Int64 = 0
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
    var nextPingAt: Int64 = 0

    /// - Parameter handler: non-nil makes this a subscriber connection (pub/sub messages go there).
    init(url: RedisURL, options: RedisClientOptions, handler: MessageHandler?, name: String) throws(RedisError) {
        self.url = url
        self.options = options
        self.handler = handler
        parser = RESPParser(limits: options.limits)
        backoff = RedisBackoff(initial: options.initialBackoffMilliseconds, cap: options.maxBackoffMilliseconds)
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard epfd >= 0, wakeFd >= 0 else {
            let code = errno
            if epfd >= 0 { close(epfd) }
            if wakeFd >= 0 { close(wakeFd) }
            throw .connectionFailed("epoll/eventfd: \(RedisSocket.describe(code))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFd
        epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFd, &event)
        OSThread.start { [self, name] in
            piloto_name_this_thread(name)
            run()
        }
    }

    deinit {
        readBuffer.deallocate()
        close(wakeFd)
        close(epfd)
    }

    // MARK: any thread

    var state: RedisConnectionState { shared.withLock { $0.state } }

    func submit(_ bytes: [UInt8], completion: @escaping Completion) {
        let accepted = shared.withLock { shared -> Bool in
            guard !shared.stopping else { return false }
            shared.submissions.append(Submission(bytes: bytes, completion: completion))
            return true
        }
        if accepted { wake() } else { completion(.failure(.closed)) }
    }

    func setChannels(_ update: (inout Set<String>) -> Void) {
        shared.withLock {
            update(&$0.channels)
            $0.channelsChanged = true
        }
        wake()
    }

    /// Stops the thread; everything in flight completes with `.closed`. Returns at once.
    func stop() {
        shared.withLock { $0.stopping = true }
        wake()
    }

    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFd, &one, 8)
    }

    func publish(_ state: RedisConnectionState) {
        let changed = shared.withLock { shared -> Bool in
            guard shared.state != .closed, shared.state != state else { return false }
            shared.state = state
            return true
        }
        if changed { options.onStateChange?(state) }
    }

    // MARK: loop

    func run() {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: 8)
        defer { events.deallocate() }
        beginConnect(now: clock.nowMilliseconds())
        while true {
            let timeout = nextTimeout(now: clock.nowMilliseconds())
            let n = epoll_wait(epfd, events, 8, timeout)
            let now = clock.nowMilliseconds()
            for i in 0..<Int(max(n, 0)) {
                if events[i].data.fd == wakeFd {
                    var value: UInt64 = 0
                    _ = read(wakeFd, &value, 8)
                } else if events[i].data.fd == fd && fd >= 0 {
                    handleSocket(flags: events[i].events, now: now)
                }
            }
            let (submissions, channelsChanged, stopping) = shared.withLock { shared in
                defer {
                    shared.submissions.removeAll()
                    shared.channelsChanged = false
                }
                return (shared.submissions, shared.channelsChanged, shared.stopping)
            }
            if stopping {
                shutdown(submissions)
                return
            }
            for submission in submissions { accept(submission, now: now) }
            if channelsChanged || handler != nil { syncChannels(now: now) }
            checkTimers(now: now)
            flush(now: now)
        }
    }

    /// Milliseconds until the earliest deadline (at most 1 s, so nothing is missed for long).
    func nextTimeout(now: Int64) -> Int32 {
        var next = now + 1000
        switch phase {
        case .idle(let at): next = min(next, at)
        case .connecting(let deadline): next = min(next, deadline)
        case .handshaking, .ready: break
        }
        if let deadline = headDeadline { next = min(next, deadline) }
        if let first = waiting.first { next = min(next, first.deadline) }
        if handler != nil, case .ready = phase { next = min(next, nextPingAt) }
        return Int32(clamping: max(0, next - now))
    }

    func shutdown(_ submissions: [Submission]) {
        publish(.closed)
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        let inFlight = pending[pendingHead...].compactMap(\.completion)
        pending.removeAll()
        pendingHead = 0
        let queued = waiting.map(\.submission.completion)
        waiting.removeAll()
        for completion in inFlight + queued + submissions.map(\.completion) { completion(.failure(.closed)) }
        // Anything submitted after the snapshot above: stopping is set, so nothing more arrives.
        let late = shared.withLock { s -> [Submission] in
            defer { s.submissions.removeAll() }
            return s.submissions
        }
        for submission in late { submission.completion(.failure(.closed)) }
    }

    // MARK: connect and handshake

    func beginConnect(now: Int64) {
        publish(.connecting)
        switch RedisSocket.startConnect(host: url.host, port: url.port) {
        case .failure(let error):
            if case .connectionFailed(let reason) = error { fail(reason: reason, error: error, now: now) }
        case .success(let socket):
            fd = socket
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue
            event.data.fd = socket
            epoll_ctl(epfd, EPOLL_CTL_ADD, socket, &event)
            watchingWrites = true
            phase = .connecting(deadline: now + options.connectTimeoutMilliseconds)
        }
    }

    /// TCP is up: queue AUTH / SELECT / PING; the connection is ready once all answered.
    func startHandshake(now: Int64) {
        phase = .handshaking
        lastReadAt = now
        if let password = url.password {
            var auth = ["AUTH"]
            if let user = url.user { auth.append(user) }
            auth.append(password)
            enqueue(RESPEncoder.command(auth), completion: nil, label: "AUTH", now: now)
        }
        if url.database != 0 {
            enqueue(RESPEncoder.command(["SELECT", String(url.database)]), completion: nil, label: "SELECT", now: now)
        }
        enqueue(RESPEncoder.command(["PING"]), completion: nil, label: "PING", now: now)
    }

    func handshakeFinished(now: Int64) {
        phase = .ready
        backoff.reset()
        lastReadAt = now
        nextPingAt = now + options.subscriberPingIntervalMilliseconds
        publish(.connected)
        let queued = waiting
        waiting.removeAll()
        for (submission, _) in queued {
            enqueue(submission.bytes, completion: submission.completion, label: "command", now: now)
        }
    }

    // MARK: submissions

    func accept(_ submission: Submission, now: Int64) {
        switch phase {
        case .ready:
            enqueue(submission.bytes, completion: submission.completion, label: "command", now: now)
        case .connecting, .handshaking:
            // During an outage (a reconnect attempt after a failure) fail fast like in back-off;
            // only the very first connect, at boot, holds commands until it completes.
            if backoff.attempt > 0 {
                submission.completion(.failure(.connectionFailed(lastFailure)))
            } else if waiting.count < options.maxQueuedWhileConnecting {
                waiting.append((submission, now + options.commandTimeoutMilliseconds + options.connectTimeoutMilliseconds))
            } else {
                submission.completion(.failure(.connectionFailed("too many commands queued while connecting")))
            }
        case .idle:
            submission.completion(.failure(.connectionFailed(lastFailure)))
        }
    }

    func enqueue(_ bytes: [UInt8], completion: Completion?, label: String, now: Int64) {
        output += bytes
        pending.append(Pending(completion: completion, sentAt: now, label: label))
    }

    /// When the oldest unanswered command times out: `commandTimeoutMilliseconds` after it was sent
    /// or after the last bytes arrived, whichever is later. So a Redis that stops answering is caught
    /// within one timeout, while a long pipeline (or a large reply still streaming in) that keeps
    /// making progress is not failed for its length.
    var headDeadline: Int64? {
        guard pendingHead < pending.count else { return nil }
        return max(pending[pendingHead].sentAt, lastReadAt) + options.commandTimeoutMilliseconds
    }

    /// Subscriber: reconcile SUBSCRIBE/UNSUBSCRIBE on the wire with the wanted set (sorted, so the
    /// wire order is deterministic). Pub/sub replies are not tracked as pending: Redis pushes one
    /// confirmation per channel, which `dispatch` ignores.
    func syncChannels(now: Int64) {
        guard handler != nil, case .ready = phase else { return }
        let wanted = shared.withLock { $0.channels }
        let add = wanted.subtracting(wireChannels).sorted()
        let remove = wireChannels.subtracting(wanted).sorted()
        if !add.isEmpty { output += RESPEncoder.command(["SUBSCRIBE"] + add) }
        if !remove.isEmpty { output += RESPEncoder.command(["UNSUBSCRIBE"] + remove) }
        wireChannels = wanted
    }

    // MARK: timers and failure

    func checkTimers(now: Int64) {
        switch phase {
        case .idle(let at):
            if now >= at { beginConnect(now: now) }
        case .connecting(let deadline):
            if now >= deadline { fail(reason: "connect \(url.host):\(url.port): timed out", now: now) }
        case .handshaking, .ready:
            if let deadline = headDeadline, now >= deadline {
                fail(reason: "\(pending[pendingHead].label) timed out", error: .timeout, now: now)
                return
            }
            if handler != nil, case .ready = phase {
                if now - lastReadAt > options.subscriberPingIntervalMilliseconds + options.commandTimeoutMilliseconds {
                    fail(reason: "no reply to PING", error: .timeout, now: now)
                    return
                }
                if now >= nextPingAt {
                    output += RESPEncoder.command(["PING"])
                    nextPingAt = now + options.subscriberPingIntervalMilliseconds
                }
            }
        }
        while let first = waiting.first, now >= first.deadline {
            waiting.removeFirst()
            first.submission.completion(.failure(.timeout))
        }
    }

    /// Closes the socket, fails everything in flight with `error` (or `.connectionFailed(reason)`),
    /// and schedules the next attempt after a jittered back-off.
    func fail(reason: String, error: RedisError? = nil, now: Int64) {
        if fd >= 0 {
            close(fd)  // also removes it from the epoll set
            fd = -1
        }
        watchingWrites = false
        parser.reset()
        output.removeAll(keepingCapacity: false)
        outputOffset = 0
        wireChannels = []
        lastFailure = reason
        let failure = error ?? .connectionFailed(reason)
        let inFlight = pending[pendingHead...].compactMap(\.completion)
        pending.removeAll()
        pendingHead = 0
        let queued = waiting.map(\.submission.completion)
        waiting.removeAll()
        phase = .idle(reconnectAt: now + backoff.nextDelay())
        publish(.disconnected(reason))
        for completion in inFlight { completion(.failure(failure)) }
        for completion in queued { completion(.failure(failure)) }
    }
}
