import CLinuxEvents
import Glibc
import Synchronization

/// A socket the application opened itself (an upstream connection) and asked a loop to watch.
/// Called only on that loop's thread, so it may keep mutable state without locks.
package protocol LoopSocketHandler: AnyObject {
    /// epoll reported `events` (EPOLLIN/EPOLLOUT/EPOLLRDHUP/EPOLLHUP/EPOLLERR bits) for the socket.
    func socketReady(events: UInt32, now: Int64)
    /// Every timer sweep (~100 ms): connect, response and idle deadlines.
    func tick(now: Int64)
}

/// An application object that lives on one loop without a request to hang on (a Redis
/// connection: its socket, write queue and timer), kept in `LoopSockets` under a key that other
/// threads hold together with the `LoopHandle` (`LoopHandle.run` finds it again). Loop-confined.
///
/// While a loop holds locals it keeps running after a drain, so their owner can close them on the
/// loop (in-flight work failed, sockets closed) before it ends: removing the last one lets it stop.
package protocol LoopLocal: AnyObject {
    /// Every timer sweep (~100 ms), also while the object has no socket (waiting to reconnect).
    func tick(now: Int64)
}

/// Keys for `LoopSockets.setLocal`, unique in the process (so no two owners collide on a loop).
package enum LoopLocalKey {
    private static let last = Atomic<Int>(0)

    package static func next() -> Int { last.wrappingAdd(1, ordering: .relaxed).newValue }
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
    private var locals: [Int: any LoopLocal] = [:]
    private let epfd: Int32
    private let clock: any MonotonicClock
    /// The loop's index, so per-loop application state (pools) can be found.
    package let loopIndex: Int

    init(epfd: Int32, loopIndex: Int, clock: any MonotonicClock) {
        self.epfd = epfd
        self.loopIndex = loopIndex
        self.clock = clock
    }

    /// The loop's clock, milliseconds (the one its deadlines and `tick`s use).
    package var now: Int64 { clock.nowMilliseconds() }

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

    /// The loop-local object under `key`, if one is set.
    package func local(_ key: Int) -> (any LoopLocal)? { locals[key] }

    /// Sets (or, with nil, removes) the loop-local object under `key`.
    package func setLocal(_ key: Int, _ object: (any LoopLocal)?) { locals[key] = object }

    /// True while some application object lives on this loop (it must not end yet).
    var holdsLocals: Bool { !locals.isEmpty }

    func handler(for fd: Int32) -> (any LoopSocketHandler)? {
        let index = Int(fd)
        return index >= 0 && index < handlers.count ? handlers[index] : nil
    }

    /// Every watched socket gets its tick (a snapshot: handlers may close sockets meanwhile), then
    /// every loop-local object, in key order.
    func tickAll(now: Int64) {
        for case let handler? in handlers { handler.tick(now: now) }
        guard !locals.isEmpty else { return }
        for key in locals.keys.sorted() { locals[key]?.tick(now: now) }
    }

    var isEmpty: Bool { !handlers.contains { $0 != nil } }

    private static func event(_ fd: Int32, writes: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue | (writes ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        return event
    }
}
