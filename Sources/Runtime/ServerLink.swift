import PilotoConfig
import Synchronization

/// What custom responders (WebSocket channels, auth, dashboard) may use from the server that hosts
/// them. It exists before the server does, because responders are built first and handed to the
/// router: `deliver` and `closeConnection` are no-ops until the server is attached in its `init`.
package final class ServerLink: Sendable {
    package let config: PilotoConfig
    package let state: ServerState
    package let metrics: MetricsRegistry
    package let logger: Logger
    /// The server's event loops, usable from the start (mail posted before `Server.start` waits):
    /// clients the application runs on a loop (Redis, `RedisClient(loop:)`) get one of these.
    package let loops: [LoopHandle]
    /// How many event loops serve connections (per-loop state such as proxy pools is sized by it).
    package var loopCount: Int { loops.count }
    /// The `run:` backends' live status by name (`health(named:)?.isReady`), for the proxy.
    package let backends: BackendDirectory
    private let server = Mutex<WeakServer>(WeakServer())

    private struct WeakServer { weak var value: Server? }

    init(
        config: PilotoConfig, state: ServerState, metrics: MetricsRegistry, logger: Logger, loops: [LoopHandle],
        backends: BackendDirectory = .empty
    ) {
        self.loops = loops
        self.config = config
        self.backends = backends
        self.state = state
        self.metrics = metrics
        self.logger = logger
    }

    func attach(_ value: Server) { server.withLock { $0.value = value } }

    /// Hands bytes to an upgraded connection on its own loop (`UpgradedConnection.delivered`).
    package func deliver(_ payload: [UInt8], to handle: ConnectionHandle) {
        server.withLock { $0.value }?.deliver(payload, to: handle)
    }

    /// Hands the same bytes to many upgraded connections, one mailbox post per loop.
    package func deliver(_ payload: [UInt8], toEach handles: [ConnectionHandle]) {
        server.withLock { $0.value }?.deliver(payload, toEach: handles)
    }

    /// Closes a connection after its pending output, from any thread.
    package func closeConnection(_ handle: ConnectionHandle) {
        server.withLock { $0.value }?.closeConnection(handle)
    }
}
