import Glibc
import Synchronization

/// The `RedisTransport`: a Redis connection runs on one of the server's event loops. Its socket is
/// registered in the loop's epoll set (`LoopSockets`), its deadline and back-off ride the loop's
/// timer sweep and clock, and other threads reach it through the loop's mailbox
/// (`LoopHandle.run`). So a serving process has one reactor per worker and no Redis thread.
///
/// Deadlines are checked on the sweep (`EventLoop.sweepInterval`, ~100 ms), so a timer fires up to
/// one sweep late; Redis deadlines are hundreds of milliseconds to seconds and back-off starts at
/// tens, which that granularity only stretches.
final class RedisLoopTransport: RedisTransportExecutor {
    typealias Work = @Sendable (any RedisTransport) -> Void

    private let loop: LoopHandle
    /// Names this connection's `RedisLoopSocket` among the loop's locals.
    private let key = LoopLocalKey.next()
    private let stopping = Atomic<Bool>(false)

    init(loop: LoopHandle) {
        self.loop = loop
    }

    /// Creates the loop-side socket; socket events go to `delegate`. Call once, before `execute`.
    /// Only the loop-side object holds the delegate (until `shutdown`), so there is no cycle.
    func start(delegate: any RedisTransportDelegate) {
        loop.run { [key] sockets in
            sockets.setLocal(key, RedisLoopSocket(sockets: sockets, delegate: delegate))
        }
    }

    @discardableResult
    func execute(_ work: @escaping Work) -> Bool {
        guard !stopping.load(ordering: .acquiring) else { return false }
        loop.run { [key] sockets in
            guard let socket = sockets.local(key) as? RedisLoopSocket else { return }
            work(socket)
            socket.afterWork()
        }
        return true
    }

    func shutdown() {
        stopping.store(true, ordering: .releasing)
        loop.run { [key] sockets in
            (sockets.local(key) as? RedisLoopSocket)?.disconnect()
            sockets.setLocal(key, nil)
        }
    }
}

/// The loop's side: the socket, its write queue and the one timer. Lives among the loop's locals,
/// so only the loop's thread sees it; epoll events reach it through `Events`.
final class RedisLoopSocket: RedisTransport, LoopLocal {
    private let sockets: LoopSockets
    private let delegate: any RedisTransportDelegate
    private var fd: Int32 = -1
    private var connecting = false
    private var output = RedisWriteQueue()
    private var watchingWrites = false
    private var timerAt: LoopInstant?
    /// A connect that failed before `connect` returned; reported after the current work.
    private var deferredFailure: RedisLinkError?
    /// Counts sockets, so a read loop notices that the delegate closed the one it was reading.
    private var generation = 0
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)

    init(sockets: LoopSockets, delegate: any RedisTransportDelegate) {
        self.sockets = sockets
        self.delegate = delegate
    }

    deinit {
        if fd >= 0 { sockets.close(fd) }
        readBuffer.deallocate()
    }

    var now: LoopInstant { LoopInstant(milliseconds: sockets.now) }

    // MARK: RedisTransport

    func connect(host: String, port: Int) {
        disconnect()
        switch RedisSocket.startConnect(host: host, port: port) {
        case .failure(let error):
            deferredFailure = error
        case .success(let socket):
            guard sockets.register(socket, Events(owner: self), writes: true) else {
                deferredFailure = .connect(reason: "epoll_ctl: \(RedisSocket.describe(errno))")
                Glibc.close(socket)
                return
            }
            fd = socket
            generation += 1
            connecting = true
            watchingWrites = true
        }
    }

    func write(_ bytes: [UInt8]) {
        guard fd >= 0 else { return }
        output.append(bytes)
    }

    func disconnect() {
        if fd >= 0 {
            sockets.close(fd)
            fd = -1
            generation += 1
        }
        connecting = false
        watchingWrites = false
        output.removeAll()
    }

    func scheduleTimer(at instant: LoopInstant) { timerAt = instant }

    // MARK: loop events

    /// The socket's readiness, from the loop's epoll set.
    fileprivate func socketReady(events: UInt32) {
        if connecting {
            guard events & (LoopEvents.writable | LoopEvents.error | LoopEvents.hangup) != 0 else { return }
            connecting = false
            if let code = RedisSocket.pendingError(fd) {
                disconnect()
                delegate.transport(self, connectFailed: .connect(reason: RedisSocket.describe(code)))
            } else {
                delegate.transportDidConnect(self)
            }
        } else if events & (LoopEvents.readable | LoopEvents.hangup | LoopEvents.error) != 0 {
            readAvailable()
        }
        afterWork()
    }

    /// The loop's sweep: the timer, when due.
    func tick(now: Int64) {
        if let at = timerAt, at.milliseconds <= now {
            timerAt = nil
            delegate.transportTimerFired(self)
        }
        afterWork()
    }

    /// Reports a connect that failed synchronously, then writes what is queued.
    func afterWork() {
        if let failure = deferredFailure {
            deferredFailure = nil
            delegate.transport(self, connectFailed: failure)
        }
        flush()
    }

    // MARK: I/O

    /// Edge-triggered: reads until the socket is empty (or the delegate closed it).
    private func readAvailable() {
        let socket = generation
        while generation == socket {
            let n = Glibc.read(fd, readBuffer.baseAddress, readBuffer.count)
            if n > 0 {
                delegate.transport(self, received: UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            let error: RedisLinkError = n == 0 ? .closedByServer : .io(reason: "read: \(RedisSocket.describe(errno))")
            disconnect()
            delegate.transport(self, closed: error)
            return
        }
    }

    private func flush() {
        guard fd >= 0, !connecting, !output.isEmpty else { return }
        switch output.flush(to: fd) {
        case .failed(let reason):
            disconnect()
            delegate.transport(self, closed: .io(reason: reason))
        case .written(let pending):
            if pending != watchingWrites {
                watchingWrites = pending
                sockets.watchWrites(fd, pending)
            }
        }
    }

    /// What the loop's socket table holds for the fd: the sweep ticks the socket once, as a local,
    /// so this forwards readiness only.
    private final class Events: LoopSocketHandler {
        unowned let owner: RedisLoopSocket

        init(owner: RedisLoopSocket) { self.owner = owner }

        func socketReady(events: UInt32, now _: Int64) { owner.socketReady(events: events) }

        func tick(now _: Int64) {}
    }
}
