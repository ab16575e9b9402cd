/// Everything one open connection owns on its event loop. Reached through the loop's table indexed
/// by file descriptor; touched only by that loop's thread.
final class ConnectionSlot {
    let fd: Int32
    let remote: SocketAddress
    let handle: ConnectionHandle
    var http: HTTPConnection
    var output: OutputQueue
    /// Close as soon as `output` is empty (error, `Connection: close`, 1.0, drain, peer gone).
    var closeWhenFlushed = false
    /// Requests are not pulled while output is backed up; reading resumes once it drains.
    var readPaused = false
    var peerClosed = false
    /// epoll reported the peer's FIN (EPOLLRDHUP/EPOLLHUP): read on to the 0-byte read even after a
    /// short read, because edge-triggered epoll will not report it again.
    var hangupReported = false
    /// EPOLLOUT is registered: only once a write could not complete. Registering it for every
    /// connection made epoll report a write-space edge after nearly every response (each ACK).
    var watchingWrites = false
    /// Last time the kernel took bytes from `output` (slow-reader timeout).
    var lastWriteProgress: Int64
    /// Set after a `101`: bytes go to the upgraded protocol instead of the HTTP state machine.
    var upgraded: (any UpgradedConnection)?
    /// A request answered through a `ResponsePromise` that has not completed yet; nothing else is
    /// read or answered meanwhile.
    var pending: PendingResponse?
    /// A response the application streams itself (`ClientExchange`); nothing else is read meanwhile.
    var exchange: ActiveExchange?
    /// The exchange asked to stop receiving its streamed request body for now (back-pressure).
    var bodyPaused = false

    init(fd: Int32, remote: SocketAddress, http: HTTPConnection, now: Int64, handle: ConnectionHandle) {
        self.fd = fd
        self.handle = handle
        self.remote = remote
        self.http = http
        output = OutputQueue()
        lastWriteProgress = now
    }
}
