import CLinuxEvents
import Glibc
import PilotoConfig
import Synchronization

/// What every loop shares: built once by `Server`, read-only or atomic afterwards.
struct LoopContext: Sendable {
    let router: Router
    let serializer: ResponseSerializer
    let limits: HTTPParserLimits
    let timeouts: ConnectionTimeouts
    let maxConnections: Int
    let accessLog: Bool
    let countryHeader: String?
    let logger: Logger
    let clock: any MonotonicClock
    /// Called by the last loop that stops listening, to close the shared listener.
    let listenerReleased: @Sendable () -> Void
    let listenerAcks: ListenerAcks
}

/// One epoll reactor thread: accepts from the shared listener (EPOLLEXCLUSIVE, so one loop wakes per
/// connection), reads, runs the connection state machine, routes, and writes — handlers here are
/// in-memory and never block. Connections are edge-triggered (EPOLLET): one read until EAGAIN and one
/// `writev` per batch of responses.
///
/// `@unchecked Sendable`: after `start`, all mutable state is touched only by the loop's own thread;
/// other threads only call `wake()`, which writes to an eventfd.
final class EventLoop: @unchecked Sendable {
    private let index: Int
    private let context: LoopContext
    private let listener: Int32
    private let epfd: Int32
    private let wakeFd: Int32
    private var connections: [ConnectionSlot?] = []
    private var openCount = 0
    private var listening = false
    private var drainHandled = false
    private var date: DateHeader
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let metrics: LoopMetrics
    private static let sweepInterval: Int64 = 100
    private static let outputHighWater = 256 * 1024

    init(index: Int, listener: Int32, context: LoopContext) throws(SocketError) {
        self.index = index
        self.listener = listener
        self.context = context
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw .failed(operation: "epoll_create1", errno: errno) }
        wakeFd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFd >= 0 else { throw .failed(operation: "eventfd", errno: errno) }
        date = DateHeader(epochSeconds: SystemClock.epochSeconds())
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        metrics = context.router.metrics.loops[index % context.router.metrics.loops.count]
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFd
        epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFd, &event)
        startListening()
    }

    deinit {
        readBuffer.deallocate()
        close(wakeFd)
        close(epfd)
    }

    /// Interrupts `epoll_wait` (used to start draining). Safe from any thread.
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFd, &one, 8)
    }

    // MARK: loop

    func run() {
        let capacity: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        defer { events.deallocate() }
        var nextSweep = context.clock.nowMilliseconds() + Self.sweepInterval
        while true {
            let n = epoll_wait(epfd, events, capacity, Int32(Self.sweepInterval))
            if n < 0 && errno != EINTR {
                context.logger.log(.error, "epoll_wait failed", fields: [("errno", .int(Int64(errno)))])
                break
            }
            let now = context.clock.nowMilliseconds()
            date.update(epochSeconds: SystemClock.epochSeconds())
            for i in 0..<Int(max(n, 0)) {
                let fd = events[i].data.fd
                let flags = events[i].events
                if fd == wakeFd {
                    var value: UInt64 = 0
                    _ = read(wakeFd, &value, 8)
                } else if fd == listener {
                    acceptConnections(now: now)
                } else {
                    handle(fd: fd, flags: flags, now: now)
                }
            }
            if context.router.state.draining && !drainHandled { beginDrain() }
            if now >= nextSweep {
                sweep(now: now)
                nextSweep = now + Self.sweepInterval
            }
            if drainHandled && openCount == 0 { break }
        }
        for slot in connections.compactMap({ $0 }) { closeConnection(slot) }
    }

    // MARK: accept

    private func startListening() {
        guard !listening, !context.router.state.draining else { return }
        var event = epoll_event()
        // Level-triggered with EPOLLEXCLUSIVE: only one loop is woken per pending connection.
        event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        event.data.fd = listener
        if epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &event) == 0 { listening = true }
    }

    private func stopListening() {
        guard listening else { return }
        var event = epoll_event()
        epoll_ctl(epfd, EPOLL_CTL_DEL, listener, &event)
        listening = false
    }

    private func acceptConnections(now: Int64) {
        let registry = context.router.metrics
        // A bounded batch per wake-up keeps one loop from taking every connection of a burst.
        for _ in 0..<64 {
            guard registry.activeConnections.load(ordering: .relaxed) < context.maxConnections else {
                // server.limits.max_connections: leave further clients in the kernel backlog.
                stopListening()
                return
            }
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try Socket.accept(listener)
            } catch {
                if case .failed(_, let code) = error, code == EMFILE || code == ENFILE { stopListening() }
                return
            }
            guard let (fd, peer) = accepted else { return }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
            event.data.fd = fd
            guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else {
                close(fd)
                continue
            }
            let http = HTTPConnection(limits: context.limits, timeouts: context.timeouts, now: now)
            let slot = ConnectionSlot(fd: fd, remote: peer, http: http, now: now)
            let index = Int(fd)
            if index >= connections.count { connections += Array(repeating: nil, count: index + 1 - connections.count + 64) }
            connections[index] = slot
            openCount += 1
            registry.activeConnections.add(1, ordering: .relaxed)
            registry.acceptedConnections.add(1, ordering: .relaxed)
        }
    }

    // MARK: connection I/O

    private func handle(fd: Int32, flags: UInt32, now: Int64) {
        guard fd >= 0, Int(fd) < connections.count, let slot = connections[Int(fd)] else { return }
        if flags & EPOLLERR.rawValue != 0 {
            closeConnection(slot)
            return
        }
        if flags & EPOLLOUT.rawValue != 0 && !slot.output.isEmpty {
            guard flush(slot, now: now) else { return }
        }
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0 || slot.readPaused {
            readAndProcess(slot, now: now)
        }
    }

    /// Reads until EAGAIN (edge-triggered), feeding the state machine and answering as requests complete.
    private func readAndProcess(_ slot: ConnectionSlot, now: Int64) {
        if slot.readPaused {
            guard slot.output.pendingBytes < Self.outputHighWater else { return }
            slot.readPaused = false
            process(slot, now: now)
        }
        while !slot.readPaused && !slot.peerClosed && !slot.closeWhenFlushed {
            let n: Int
            do {
                n = try Socket.read(slot.fd, into: readBuffer)
            } catch .wouldBlock {
                break
            } catch {
                closeConnection(slot)
                return
            }
            if n == 0 {
                slot.peerClosed = true
                // A half-sent request can never complete; complete ones were already answered.
                slot.closeWhenFlushed = true
                break
            }
            let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[0..<n])
            if let upgraded = slot.upgraded {
                guard apply(upgraded.received(bytes, now: now, output: &slot.output), to: slot) else { return }
                if slot.output.pendingBytes >= Self.outputHighWater {
                    guard flush(slot, now: now) else { return }
                    if slot.output.pendingBytes >= Self.outputHighWater { slot.readPaused = true }
                }
            } else {
                slot.http.received(bytes, now: now)
                process(slot, now: now)
            }
        }
        _ = flush(slot, now: now)
    }

    /// Pulls actions from the state machine and answers them, in order.
    private func process(_ slot: ConnectionSlot, now: Int64) {
        while slot.upgraded == nil, !slot.readPaused, let action = slot.http.nextAction(now: now) {
            switch action {
            case .sendContinue:
                slot.output.append(ResponseSerializer.continueResponse)
            case .reject(let status):
                context.serializer.writeError(status, date: date, into: &slot.output)
                slot.closeWhenFlushed = true
                metrics.record(route: context.router.metrics.unmatchedRoute, country: nil, status: status.code, nanos: 0)
            case .dispatch(let head, let body, let path, let query):
                dispatch(slot, head: head, body: body, path: path, query: query, now: now)
            }
            if slot.output.pendingBytes >= Self.outputHighWater {
                guard flush(slot, now: now) else { return }
                // Back-pressure: stop taking requests until the client reads what it asked for.
                if slot.output.pendingBytes >= Self.outputHighWater { slot.readPaused = true }
            }
        }
    }

    private func dispatch(_ slot: ConnectionSlot, head: HTTPRequestHead, body: [UInt8], path: String, query: String?, now: Int64) {
        let start = SystemClock.nowNanoseconds()
        let request = HTTPRequest(head: head, path: path, query: query, body: body, remote: slot.remote, startNanos: start)
        let router = context.router
        let route = router.match(path)
        let answer = router.respond(to: request, route: route)
        let close = slot.http.closing || router.state.draining
        if close {
            slot.http.stopAfterCurrent()
            slot.closeWhenFlushed = true
        }
        let before = slot.output.pendingBytes
        let status: HTTPStatus
        switch answer {
        case .response(let response):
            status = response.status
            context.serializer.write(response, includeBody: !head.isHead, close: close, date: date, into: &slot.output)
        case .prebuilt(let response, let includeBody):
            status = response.status
            context.serializer.write(response, includeBody: includeBody, close: close, date: date, into: &slot.output)
        case .upgrade(let response, let upgrader):
            if close {
                // No new long-lived sessions while draining, nor on a connection that must end.
                let refusal = HTTPError(router.state.draining ? .serviceUnavailable : .badRequest).response
                status = refusal.status
                context.serializer.write(refusal, includeBody: true, close: true, date: date, into: &slot.output)
            } else {
                status = response.status
                context.serializer.write(response, includeBody: false, close: false, date: date, into: &slot.output)
                upgrade(slot, with: upgrader, request: request, now: now)
            }
        }
        slot.http.responseQueued(now: now)
        let nanos = SystemClock.nowNanoseconds() - start
        let country = context.countryHeader.flatMap { CountryLabel.label(head.headers[$0]) }
        metrics.record(route: route, country: country, status: status.code, nanos: nanos)
        if context.accessLog {
            AccessLog.write(
                logger: context.logger, request: request, status: status.code,
                size: slot.output.pendingBytes - before, nanos: nanos)
        }
    }

    /// Hands the connection to the upgraded protocol, with the bytes read past the request.
    private func upgrade(_ slot: ConnectionSlot, with upgrader: any ConnectionUpgrader, request: HTTPRequest, now: Int64) {
        let upgraded = upgrader.makeConnection(for: request)
        slot.upgraded = upgraded
        slot.http.stopAfterCurrent()
        let leftover = slot.http.takeRemainingBytes()
        guard !leftover.isEmpty else { return }
        let disposition = leftover.withUnsafeBytes { upgraded.received($0, now: now, output: &slot.output) }
        _ = apply(disposition, to: slot)
    }

    /// Carries out an upgraded protocol's wish; false when the connection is gone.
    private func apply(_ disposition: UpgradeDisposition, to slot: ConnectionSlot) -> Bool {
        switch disposition {
        case .keepOpen:
            return true
        case .closeWhenFlushed:
            slot.closeWhenFlushed = true
            return true
        case .closeNow:
            closeConnection(slot)
            return false
        }
    }

    private func isCurrent(_ slot: ConnectionSlot) -> Bool {
        let index = Int(slot.fd)
        return index < connections.count && connections[index] === slot
    }

    /// One `writev` per call until the kernel stops taking bytes. Returns false when the connection closed.
    @discardableResult
    private func flush(_ slot: ConnectionSlot, now: Int64) -> Bool {
        guard isCurrent(slot) else { return false }
        if !slot.output.isEmpty {
            let fd = slot.fd
            guard let written = slot.output.flush({ Socket.writev(fd, $0) }) else {
                closeConnection(slot)
                return false
            }
            if written > 0 { slot.lastWriteProgress = now }
        }
        if slot.output.isEmpty {
            if slot.closeWhenFlushed {
                lingeringClose(slot)
                return false
            }
            if slot.readPaused {
                slot.readPaused = false
                process(slot, now: now)
                readAndProcess(slot, now: now)
                return isCurrent(slot)
            }
        }
        return true
    }

    /// Half-closes, discards what the client already sent, then closes: closing with unread input
    /// makes the kernel send RST, which can destroy the response before the client reads it.
    private func lingeringClose(_ slot: ConnectionSlot) {
        shutdown(slot.fd, Int32(SHUT_WR))
        for _ in 0..<4 {
            guard let n = try? Socket.read(slot.fd, into: readBuffer), n > 0 else { break }
        }
        closeConnection(slot)
    }

    private func closeConnection(_ slot: ConnectionSlot) {
        let index = Int(slot.fd)
        guard index < connections.count, connections[index] === slot else { return }
        connections[index] = nil
        close(slot.fd)  // also removes it from the epoll set
        slot.upgraded?.closed()
        slot.upgraded = nil
        openCount -= 1
        context.router.metrics.activeConnections.subtract(1, ordering: .relaxed)
    }

    // MARK: timers and drain

    /// Enforces every deadline: slow or idle clients are cut off here, so they can never hold a
    /// connection slot past `header_timeout`/`body_timeout`/`idle_timeout`.
    private func sweep(now: Int64) {
        if !listening && !drainHandled
            && context.router.metrics.activeConnections.load(ordering: .relaxed) < context.maxConnections
        {
            startListening()
        }
        for case let slot? in connections {
            if !slot.output.isEmpty {
                // A client that stopped reading its responses (slow reader).
                if now - slot.lastWriteProgress > context.timeouts.idle { closeConnection(slot) }
                continue
            }
            if slot.closeWhenFlushed {
                lingeringClose(slot)
                continue
            }
            if let upgraded = slot.upgraded {
                if apply(upgraded.tick(now: now, output: &slot.output), to: slot) { flush(slot, now: now) }
                continue
            }
            switch slot.http.timeoutAction(now: now) {
            case .none:
                break
            case .close:
                closeConnection(slot)
            case .requestTimeout:
                // RFC 9110 §15.5.9: 408, then close.
                slot.http.stopAfterCurrent()
                slot.closeWhenFlushed = true
                context.serializer.writeError(.requestTimeout, date: date, into: &slot.output)
                flush(slot, now: now)
            }
        }
    }

    /// SIGTERM: stop accepting, close idle keep-alive connections, let in-flight requests finish
    /// (their responses carry `Connection: close`).
    private func beginDrain() {
        drainHandled = true
        stopListening()
        context.listenerAcks.acknowledge(then: context.listenerReleased)
        let now = context.clock.nowMilliseconds()
        for case let slot? in connections {
            if let upgraded = slot.upgraded {
                if apply(upgraded.drain(now: now, output: &slot.output), to: slot) { flush(slot, now: now) }
            } else if slot.http.isIdle && slot.output.isEmpty {
                closeConnection(slot)
            }
        }
    }
}
