import PilotoHTTPCore

/// The upgraded protocol (a WebSocket session) of a request `InProcessClient.open` upgraded, fed
/// as the loop feeds it: bytes in, the `OutputQueue` it appends to out, and its disposition
/// applied (`closeWhenFlushed`: what it queued still goes out, then the connection ends;
/// `closeNow`: ends at once, queued bytes dropped). So a protocol's conformance is tested on the
/// wire bytes with no socket. Not simulated: the timer sweep (`tick`), deliveries from other
/// threads (`Server.deliver` needs a running loop) and back-pressure; use a real server for those.
/// Used from one thread, as the loop's thread is the only one that calls an upgraded connection.
package final class InProcessUpgrade {
    private let connection: any UpgradedConnection
    private var output = OutputQueue()
    private var pending: [UInt8] = []
    /// True once the connection ended (the server closed it, or the test did).
    package private(set) var isClosed = false

    init(_ connection: any UpgradedConnection) {
        self.connection = connection
    }

    deinit { close() }

    /// Bytes from the peer (the first call carries what was read together with the request).
    package func send(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        let disposition = bytes.withUnsafeBytes { connection.received($0, now: 0, output: &output) }
        apply(disposition)
    }

    /// Everything written since the last call.
    package func receive() -> [UInt8] {
        defer { pending = [] }
        return pending
    }

    /// The peer goes away (a client closing its socket).
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        connection.closed()
    }

    /// What the loop does after each event: flush what was queued, unless told to close at once.
    private func apply(_ disposition: UpgradeDisposition) {
        if disposition != .closeNow { pending += output.queuedBytes }
        output = OutputQueue()
        if disposition != .keepOpen { close() }
    }
}
