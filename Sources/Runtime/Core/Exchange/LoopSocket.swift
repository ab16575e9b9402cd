import CLinuxEvents
import Glibc

/// A socket the application opened itself (an upstream connection) and asked a loop to watch.
/// Called only on that loop's thread, so it may keep mutable state without locks.
package protocol LoopSocketHandler: AnyObject {
    /// epoll reported `events` (EPOLLIN/EPOLLOUT/EPOLLRDHUP/EPOLLHUP/EPOLLERR bits) for the socket.
    func socketReady(events: UInt32, now: Int64)
    /// Every timer sweep (~100 ms): connect, response and idle deadlines.
    func tick(now: Int64)
}

/// The readiness bits, for handlers that must not import the C shim.
package enum LoopEvents {
    package static let readable = EPOLLIN.rawValue
    package static let writable = EPOLLOUT.rawValue
    package static let hangup = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue
    package static let error = EPOLLERR.rawValue
}

/// One loop's table of application sockets, handed to exchanges (`ExchangeLink.sockets`) and to
/// whatever they keep per loop (a connection pool). Loop-confined: not Sendable.
package final class LoopSockets {
    private var handlers: [(any LoopSocketHandler)?] = []
    private let epfd: Int32
    /// The loop's index, so per-loop application state (pools) can be found.
    package let loopIndex: Int

    init(epfd: Int32, loopIndex: Int) {
        self.epfd = epfd
        self.loopIndex = loopIndex
    }

    /// Starts watching `fd` (edge-triggered; `writes` adds EPOLLOUT, needed for a pending connect
    /// or a blocked write). False when epoll refused it; the caller still owns the descriptor.
    package func register(_ fd: Int32, _ handler: any LoopSocketHandler, writes: Bool) -> Bool {
        var event = Self.event(fd, writes: writes)
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else { return false }
        let index = Int(fd)
        if index >= handlers.count { handlers += Array(repeating: nil, count: index + 1 - handlers.count + 16) }
        handlers[index] = handler
        return true
    }

    /// Changes who handles a watched socket (a pooled connection passing to a new request).
    package func rebind(_ fd: Int32, to handler: any LoopSocketHandler) {
        guard Int(fd) < handlers.count else { return }
        handlers[Int(fd)] = handler
    }

    /// Adds or removes EPOLLOUT (MOD re-checks readiness, so nothing is missed).
    package func watchWrites(_ fd: Int32, _ writes: Bool) {
        var event = Self.event(fd, writes: writes)
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching and closes `fd`.
    package func close(_ fd: Int32) {
        let index = Int(fd)
        if index >= 0 && index < handlers.count { handlers[index] = nil }
        Glibc.close(fd)  // also leaves the epoll set
    }

    func handler(for fd: Int32) -> (any LoopSocketHandler)? {
        let index = Int(fd)
        return index >= 0 && index < handlers.count ? handlers[index] : nil
    }

    /// Every watched socket gets its tick (a snapshot: handlers may close sockets meanwhile).
    func tickAll(now: Int64) {
        for case let handler? in handlers { handler.tick(now: now) }
    }

    var isEmpty: Bool { !handlers.contains { $0 != nil } }

    private static func event(_ fd: Int32, writes: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue | (writes ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        return event
    }
}
