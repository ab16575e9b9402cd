import CLinuxEvents
import Glibc
import Synchronization

/// What every loop shares: built once by `EventLoopGroup`, read-only or atomic afterwards.
struct LoopContext: Sendable {
    let responder: any HTTPResponder
    let observer: any RequestObserver
    let serializer: ResponseSerializer
    let limits: HTTPParserLimits
    let timeouts: ConnectionTimeouts
    let maxConnections: Int
    let state: ServerState
    let counters: ConnectionCounters
    let clock: any MonotonicClock
    /// Called by the last loop that stops listening, to close the shared listener.
    let listenerReleased: @Sendable () -> Void
    let listenerAcks: ListenerAcks
    /// Every loop, for dealing accepted connections round-robin.
    let directory: LoopDirectory
    /// Called once per loop when, after the drain began, its last connection is gone (or it ends).
    let drained: @Sendable () -> Void
}

/// One epoll reactor thread: accepts from the shared listener (EPOLLEXCLUSIVE, so one loop wakes per
/// connection), reads, runs the connection state machine, asks the responder, and writes — handlers
/// here are in-memory and never block. Connections are edge-triggered (EPOLLET): one read until
/// EAGAIN and one `writev` per batch of responses.
///
/// Created and run on its own thread and never shared: other threads hold its `LoopHandle`.
final class EventLoop {
    let handle: LoopHandle
    let context: LoopContext
    let listener: Int32
    var generation: UInt64 = 0
    var connections: [ConnectionSlot?] = []
    var openCount = 0
    var listening = false
    var drainHandled = false
    var drainReported = false
    var date: DateHeader
    /// Monotonic nanoseconds when `epoll_wait` last returned: the start of every request read in
    /// this wake-up (`HTTPRequest.startNanos`). One clock read per wake-up instead of one per
    /// request; the time a request waited behind the others of its batch counts, as it does in
    /// nginx's `$request_time` (also taken from the time cached per wake-up).
    var wokeAtNanos: Int64 = 0
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Sockets the application opened (upstream connections), watched by this loop's epoll set.
    let sockets: LoopSockets
    /// Asks the responder which request bodies stream (one closure for every connection).
    let streamsBody: HTTPConnection.BodyStreamingPredicate
    static let sweepInterval: Int64 = 100
    static let outputHighWater = 256 * 1024

    var index: Int { handle.index }
    var epfd: Int32 { handle.epfd }

    init(handle: LoopHandle, listener: Int32, context: LoopContext) {
        self.handle = handle
        self.listener = listener
        self.context = context
        sockets = LoopSockets(epfd: handle.epfd, loopIndex: handle.index, clock: context.clock)
        let responder = context.responder
        streamsBody = { head, path in responder.streamsRequestBody(head, path: path) }
        date = DateHeader(epochSeconds: SystemClock.epochSeconds())
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        startListening()
    }

    deinit {
        readBuffer.deallocate()
    }

    // MARK: loop

    func run() {
        let capacity: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        defer { events.deallocate() }
        var nextSweep = context.clock.nowMilliseconds() + Self.sweepInterval
        while true {
            let n = piloto_epoll_wait(epfd, events, capacity, Int32(Self.sweepInterval))
            if n < 0 && errno != EINTR {
                context.observer.loopFailed("epoll_wait", errno: errno)
                break
            }
            let now = context.clock.nowMilliseconds()
            wokeAtNanos = SystemClock.nowNanoseconds()
            date.update(epochSeconds: SystemClock.epochSeconds())
            for i in 0..<Int(max(n, 0)) {
                let fd = events[i].data.fd
                let flags = events[i].events
                if fd == handle.wakeFd {
                    var value: UInt64 = 0
                    _ = read(handle.wakeFd, &value, 8)
                    deliverMail(now: now)
                } else if fd == listener {
                    acceptConnections(now: now)
                } else if let socket = sockets.handler(for: fd) {
                    socket.socketReady(events: flags, now: now)
                } else {
                    handle(fd: fd, flags: flags, now: now)
                }
            }
            if context.state.draining && !drainHandled { beginDrain() }
            if now >= nextSweep {
                sweep(now: now)
                nextSweep = now + Self.sweepInterval
            }
            if drainHandled && openCount == 0 {
                reportDrained()
                // Application objects on this loop (Redis) are closed by their owner after the
                // drain; the loop runs their closing work, then ends.
                if !sockets.holdsLocals { break }
            }
        }
        for slot in connections.compactMap({ $0 }) { closeConnection(slot) }
        reportDrained()
    }

    private func reportDrained() {
        guard !drainReported else { return }
        drainReported = true
        context.drained()
    }

    // MARK: accept

    func startListening() {
        guard !listening, !context.state.draining else { return }
        var event = epoll_event()
        // Level-triggered with EPOLLEXCLUSIVE: only one loop is woken per pending connection.
        event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        event.data.fd = listener
        if epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &event) == 0 { listening = true }
    }

    func stopListening() {
        guard listening else { return }
        var event = epoll_event()
        epoll_ctl(epfd, EPOLL_CTL_DEL, listener, &event)
        listening = false
    }

    func acceptConnections(now: Int64) {
        let counters = context.counters
        // A bounded batch per wake-up keeps one loop from taking every connection of a burst.
        for _ in 0..<64 {
            guard counters.active.load(ordering: .relaxed) < context.maxConnections else {
                // server.limits.max_connections: leave further clients in the kernel backlog.
                stopListening()
                return
            }
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                if case .failed(_, let code) = error {
                    context.observer.loopFailed("accept", errno: code)
                    // Out of descriptors: stop accepting; the sweep resumes once connections close.
                    if code == EMFILE || code == ENFILE { stopListening() }
                }
                return
            }
            guard let (fd, peer) = accepted else { return }
            counters.active.add(1, ordering: .relaxed)
            counters.accepted.add(1, ordering: .relaxed)
            // Deal it to the next loop in turn (not while draining: then every loop is winding
            // down, and this one serves what it accepted itself).
            if !context.state.draining, let owner = context.directory.nextOwner(), owner !== handle {
                owner.post(.adopt(fd, peer))
            } else {
                adopt(fd: fd, peer: peer, now: now)
            }
        }
    }

    /// Starts serving an accepted connection on this loop (already counted as active).
    func adopt(fd: Int32, peer: SocketAddress, now: Int64) {
        var event = epoll_event()
        // EPOLLOUT is added only when a write would block (`watchWrites`).
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = fd
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else {
            close(fd)
            context.counters.active.subtract(1, ordering: .relaxed)
            return
        }
        let http = HTTPConnection(limits: context.limits, timeouts: context.timeouts, now: now, streamsBody: streamsBody)
        generation &+= 1
        let handle = ConnectionHandle(loop: index, fd: fd, generation: generation)
        let slot = ConnectionSlot(fd: fd, remote: peer, http: http, now: now, handle: handle)
        let position = Int(fd)
        if position >= connections.count {
            connections += Array(repeating: nil, count: position + 1 - connections.count + 64)
        }
        connections[position] = slot
        openCount += 1
    }
}
