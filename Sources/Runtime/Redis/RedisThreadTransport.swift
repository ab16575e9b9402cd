import CLinuxEvents
import Glibc
import Synchronization

/// A `RedisTransport` on a thread of its own with its own epoll set, so a slow or dead Redis never
/// blocks a server event loop. One per connection; it knows sockets and time, nothing of RESP.
///
/// Other threads only touch the mailbox (under its mutex) and the eventfd that wakes the thread;
/// the socket, the write queue and the timer belong to `RedisThreadLoop`, which exists only on the
/// thread. So neither type needs `@unchecked Sendable`.
final class RedisThreadTransport: RedisTransportExecutor {
    typealias Work = @Sendable (any RedisTransport) -> Void

    private struct Mailbox {
        var work: [Work] = []
        var stopping = false
    }

    private let mailbox = Mutex(Mailbox())
    private let wakeFd: Int32
    private let epfd: Int32
    private let name: String

    init(name: String) throws(RedisError) {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard epfd >= 0, wakeFd >= 0 else {
            let code = errno
            if epfd >= 0 { close(epfd) }
            if wakeFd >= 0 { close(wakeFd) }
            throw .connectionFailed("epoll/eventfd: \(RedisSocket.describe(code))")
        }
        self.name = name
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFd
        epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFd, &event)
    }

    // The thread holds `self` until it ends, so both descriptors outlive it.
    deinit {
        close(wakeFd)
        close(epfd)
    }

    /// Starts the thread; socket events go to `delegate`. Call once.
    func start(delegate: any RedisTransportDelegate) {
        OSThread.start { [self, name, epfd, wakeFd] in
            piloto_name_this_thread(name)
            RedisThreadLoop(epfd: epfd, wakeFd: wakeFd, delegate: delegate).run(self)
        }
    }

    @discardableResult
    func execute(_ work: @escaping Work) -> Bool {
        let accepted = mailbox.withLock { box -> Bool in
            guard !box.stopping else { return false }
            box.work.append(work)
            return true
        }
        if accepted { wake() }
        return accepted
    }

    func shutdown() {
        mailbox.withLock { $0.stopping = true }
        wake()
    }

    /// The work submitted since the last call, and whether the thread should end after it.
    fileprivate func takeWork() -> (work: [Work], stopping: Bool) {
        mailbox.withLock { box in
            defer { box.work.removeAll() }
            return (box.work, box.stopping)
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFd, &one, 8)
    }
}

/// The thread's side: epoll, the socket, its write queue and the one timer.
///
/// Created on the transport's thread and never seen by another one.
private final class RedisThreadLoop: RedisTransport {
    let delegate: any RedisTransportDelegate
    let wakeFd: Int32
    let epfd: Int32
    var fd: Int32 = -1
    var connecting = false
    var output: [UInt8] = []
    var outputOffset = 0
    var watchingWrites = false
    var timerAt: LoopInstant?
    /// A connect that failed before `connect` returned; reported on the next turn.
    var deferredFailure: RedisLinkError?
    /// Counts sockets, so a read loop notices that the delegate closed the one it was reading.
    var generation = 0
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)

    init(epfd: Int32, wakeFd: Int32, delegate: any RedisTransportDelegate) {
        self.epfd = epfd
        self.wakeFd = wakeFd
        self.delegate = delegate
    }

    deinit {
        if fd >= 0 { close(fd) }
        readBuffer.deallocate()
    }

    var now: LoopInstant { LoopInstant(milliseconds: SystemClock().nowMilliseconds()) }

    // MARK: RedisTransport

    func connect(host: String, port: Int) {
        disconnect()
        switch RedisSocket.startConnect(host: host, port: port) {
        case .failure(let error):
            deferredFailure = error
        case .success(let socket):
            fd = socket
            generation += 1
            connecting = true
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue
            event.data.fd = socket
            epoll_ctl(epfd, EPOLL_CTL_ADD, socket, &event)
            watchingWrites = true
        }
    }

    func write(_ bytes: [UInt8]) {
        guard fd >= 0 else { return }
        output += bytes
    }

    func disconnect() {
        if fd >= 0 {
            close(fd)  // also removes it from the epoll set
            fd = -1
            generation += 1
        }
        connecting = false
        watchingWrites = false
        output.removeAll(keepingCapacity: false)
        outputOffset = 0
    }

    func scheduleTimer(at instant: LoopInstant) { timerAt = instant }

    // MARK: the thread

    func run(_ owner: RedisThreadTransport) {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: 8)
        defer { events.deallocate() }
        while true {
            let n = epoll_wait(epfd, events, 8, timeout())
            for i in 0..<Int(max(n, 0)) {
                if events[i].data.fd == wakeFd {
                    var value: UInt64 = 0
                    _ = read(wakeFd, &value, 8)
                } else if events[i].data.fd == fd && fd >= 0 {
                    handleSocket(flags: events[i].events)
                }
            }
            if let failure = deferredFailure {
                deferredFailure = nil
                delegate.transport(self, connectFailed: failure)
            }
            let (work, stopping) = owner.takeWork()
            for item in work { item(self) }
            if stopping {
                disconnect()
                return
            }
            if let at = timerAt, at.milliseconds <= now.milliseconds {
                timerAt = nil
                delegate.transportTimerFired(self)
            }
            flush()
        }
    }

    /// Milliseconds until the timer (0 when a failure waits to be reported; at most 1 s).
    func timeout() -> Int32 {
        if deferredFailure != nil { return 0 }
        guard let at = timerAt else { return 1000 }
        return Int32(clamping: min(1000, max(0, at.milliseconds - now.milliseconds)))
    }

    func handleSocket(flags: UInt32) {
        if connecting {
            guard flags & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else { return }
            connecting = false
            if let code = RedisSocket.pendingError(fd) {
                disconnect()
                delegate.transport(self, connectFailed: .connect(reason: RedisSocket.describe(code)))
            } else {
                delegate.transportDidConnect(self)
            }
            return
        }
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readAvailable()
        }
    }

    func readAvailable() {
        let socket = generation
        // Bounded: at most 64 reads (1 MiB) per wake-up, so one busy connection cannot starve timers.
        for _ in 0..<64 {
            guard generation == socket else { return }  // the delegate closed it
            let n = read(fd, readBuffer.baseAddress, readBuffer.count)
            if n > 0 {
                delegate.transport(self, received: UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                if n < readBuffer.count { return }
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

    func flush() {
        guard fd >= 0, !connecting, outputOffset < output.count else { return }
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return send(fd, base + outputOffset, buffer.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            let reason = "write: \(RedisSocket.describe(errno))"
            disconnect()
            delegate.transport(self, closed: .io(reason: reason))
            return
        }
        if outputOffset == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            outputOffset = 0
        }
        setWatchingWrites(outputOffset < output.count)
    }

    func setWatchingWrites(_ wanted: Bool) {
        guard wanted != watchingWrites, fd >= 0 else { return }
        watchingWrites = wanted
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (wanted ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)
    }
}
