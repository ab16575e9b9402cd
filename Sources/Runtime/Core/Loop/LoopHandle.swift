import CLinuxEvents
import Glibc

/// What other threads may hold of an event loop: its epoll set and wake-up eventfd (created here,
/// before the loop's thread starts) and its mailbox. Posting mail is the only way in, so the loop
/// itself stays confined to its thread and needs no `Sendable`.
package final class LoopHandle: Sendable {
    package let index: Int
    let epfd: Int32
    let wakeFd: Int32
    let mailbox = LoopMailbox()

    init(index: Int) throws(SocketError) {
        self.index = index
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw .failed(operation: "epoll_create1", errno: errno) }
        wakeFd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFd >= 0 else {
            let code = errno
            Glibc.close(epfd)
            throw .failed(operation: "eventfd", errno: code)
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFd
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFd, &event) == 0 else {
            let code = errno
            Glibc.close(wakeFd)
            Glibc.close(epfd)
            throw .failed(operation: "epoll_ctl", errno: code)
        }
    }

    deinit {
        Glibc.close(wakeFd)
        Glibc.close(epfd)
    }

    /// Posts mail for one of this loop's connections. Safe from any thread.
    func post(_ mail: LoopMailbox.Mail) {
        if mailbox.post(mail) { wake() }
    }

    /// Interrupts `epoll_wait` (used to start draining and for mail). Safe from any thread.
    package func wake() {
        var one: UInt64 = 1
        _ = write(wakeFd, &one, 8)
    }

    /// Hands bytes to an upgraded connection's `delivered`; ignored once the connection is gone.
    package func deliver(_ payload: [UInt8], to connection: ConnectionHandle) { post(.deliver(connection, payload)) }

    /// The same bytes for several connections of this loop: one post, one wake-up.
    package func deliver(_ payload: [UInt8], toEach connections: [ConnectionHandle]) {
        post(connections.count == 1 ? .deliver(connections[0], payload) : .deliverEach(connections, payload))
    }

    /// Closes a connection once its pending output is written.
    package func close(_ connection: ConnectionHandle) { post(.close(connection)) }

    /// Runs `work` on the loop's thread with its socket table, in posting order. Safe from any
    /// thread, also before the loop's thread started (the mail waits); dropped once the loop ended.
    package func run(_ work: @escaping @Sendable (LoopSockets) -> Void) { post(.run(work)) }
}

extension LoopHandle: ResponseSink {
    /// Completes a deferred response (`ResponsePromise`) on the loop's thread.
    package func complete(_ connection: ConnectionHandle, with response: RouteResponse) {
        post(.complete(connection, response))
    }
}
