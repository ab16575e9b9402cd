/// Everything one open connection owns on its event loop. Reached through the loop's table indexed
/// by file descriptor; touched only by that loop's thread.
///
/// What the connection is doing is one value, `phase`. The other fields are I/O facts that hold
/// in any phase, which is why they stay separate flags rather than enum cases.
final class ConnectionSlot {
    let fd: Int32
    let remote: SocketAddress
    let handle: ConnectionHandle
    var http: HTTPConnection
    var output: OutputQueue
    /// HTTP, awaiting a promise, running an exchange, or upgraded.
    var phase: ConnectionPhase = .http
    /// Close as soon as `output` is empty (error, `Connection: close`, 1.0, drain, peer gone).
    /// Orthogonal to `phase`: an upgraded protocol, an aborted streamed body and a plain HTTP
    /// answer can all end the connection after their last bytes.
    var closeWhenFlushed = false
    /// Requests are not pulled while output is backed up; reading resumes once it drains.
    /// Orthogonal to `phase`: back-pressure applies to HTTP and upgraded connections alike.
    var readPaused = false
    /// The peer's 0-byte read was seen. Orthogonal: it can happen during any phase.
    var peerClosed = false
    /// epoll reported the peer's FIN (EPOLLRDHUP/EPOLLHUP): read on to the 0-byte read even after a
    /// short read, because edge-triggered epoll will not report it again.
    var hangupReported = false
    /// The socket may hold bytes not read yet: an input edge came while nothing was read (an
    /// exchange ran), or reading stopped before a short read or EAGAIN showed it empty. Cleared
    /// when a read drains it. Lets the end of an exchange skip a `read(2)` that would only say
    /// EAGAIN (one per proxied request), since edge-triggered epoll reports new bytes anyway.
    var mayHaveUnreadInput = true
    /// EPOLLOUT is registered: only once a write could not complete. Registering it for every
    /// connection made epoll report a write-space edge after nearly every response (each ACK).
    var watchingWrites = false
    /// Last time the kernel took bytes from `output` (slow-reader timeout).
    var lastWriteProgress: Int64

    /// The upgraded protocol, when `phase` is `.upgraded`.
    var upgraded: (any UpgradedConnection)? { phase.upgraded }
    /// The promise wait, when `phase` is `.awaitingPromise`.
    var pending: PendingResponse? { phase.pending }
    /// The running exchange, when `phase` is `.exchange`.
    var exchange: ActiveExchange? { phase.exchange }

    init(fd: Int32, remote: SocketAddress, http: HTTPConnection, now: Int64, handle: ConnectionHandle) {
        self.fd = fd
        self.handle = handle
        self.remote = remote
        self.http = http
        output = OutputQueue()
        lastWriteProgress = now
    }
}
