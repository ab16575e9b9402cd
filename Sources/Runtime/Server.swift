import Glibc
import PilotoConfig

/// Why the server could not start.
package enum ServerError: Error, Equatable, Sendable {
    case router(RouterError)
    case socket(SocketError)

    package var message: String {
        switch self {
        case .router(let error): error.message
        case .socket(.failed(let operation, let code)): "\(operation) failed: \(String(cString: strerror(code)))"
        case .socket(let error): "socket error: \(error)"
        }
    }
}

/// `piloto serve`: built from a `PilotoConfig`, binds `host:port`, runs one epoll loop per worker,
/// drains on `beginShutdown()`. The loops also run the application's clients (Redis, given
/// `link.loops` while responders are built): one reactor per worker, no other I/O thread.
///
/// Everything that can fail because of the config (missing static roots) fails in `init`, before
/// any socket is bound, so a bad deploy never takes traffic; the roots' files are read in `start`.
package final class Server: Sendable {
    package let config: PilotoConfig
    package let router: Router
    package let logger: Logger
    /// The core's loops; their handles exist from `init` (`link.loops`), bound in `start`.
    private let loops: EventLoopGroup
    /// Held for the server's lifetime: responders may keep only a weak reference to it, and
    /// deliveries through a freed link would be dropped silently. (The link points back weakly.)
    package let link: ServerLink
    /// The loops' observer (metrics, access log); a test that answers through `router` without a
    /// socket tells it the same things (`InProcessClient`).
    let recorder: RequestRecorder

    /// - Parameter port: the effective port (`PORT` and `--port` already applied); 0 picks a free one.
    /// - Parameter clock: the loops' monotonic clock (deadlines, sweeps); tests pass a manual one.
    /// - Parameter makeResponders: builds the responders of the application's route kinds (auth,
    ///   dashboard, websocket, proxy) from the server's shared parts (state, metrics, logger,
    ///   delivery to upgraded connections); a route it leaves unwired stops the boot.
    /// - Parameter devMode: `serve --dev` (CSRF also accepts loopback `http` origins).
    /// - Parameter backends: the `run:` backends' status (`BackendSupervisor.directory`): readiness
    ///   is `starting` until each was healthy once, then `degraded` while one is down.
    package init(
        config: PilotoConfig, host: String = "0.0.0.0", port: Int, logger: Logger, devMode: Bool = false,
        clock: any MonotonicClock = SystemClock(), backends: BackendDirectory = .empty,
        makeResponders: (ServerLink) -> ApplicationResponders = { _ in .none }
    ) throws(ServerError) {
        self.config = config
        self.logger = logger
        let configured = config.server.workers
        let workers = configured > 0 ? configured : CPUAffinity.usableCPUs()
        let state = ServerState()
        if !backends.entries.isEmpty { state.addDegradedSource { backends.degradedReason } }
        let metrics = MetricsRegistry(routePatterns: config.routes.map(\.path), loopCount: workers)
        // The loops' handles exist before the responders, which may run clients (Redis) on them;
        // the router becomes the loops' responder in `start`.
        let recorder = RequestRecorder(
            metrics: metrics, logger: logger, accessLog: config.server.accessLog,
            countryHeader: config.monitoring.countryHeader, rttHeader: config.monitoring.rttHeader)
        self.recorder = recorder
        do {
            loops = try EventLoopGroup(
                settings: HTTPServerSettings(config: config, host: host, port: port, workers: workers),
                observer: recorder, state: state, counters: metrics.connections, clock: clock)
        } catch {
            throw .socket(error)
        }
        let link = ServerLink(
            config: config, state: state, metrics: metrics, logger: logger, loops: loops.loops, backends: backends)
        self.link = link
        do {
            router = try RouteAssembly.router(
                config: config, state: state, metrics: metrics, logger: logger, application: makeResponders(link),
                devMode: devMode, backends: backends)
        } catch {
            throw .router(error)
        }
        link.attach(self)
    }

    /// Binds and starts the loops, then reads the static roots' files; returns once both are done.
    ///
    /// The files are read after the bind (`StaticRoots`): the loops answer the health route and
    /// everything else meanwhile, and a static request waits for the load, which runs at the lowest
    /// CPU priority so it never delays their answers.
    package func start() throws(ServerError) {
        let bound: Int
        do {
            bound = try loops.start(responder: router)
        } catch {
            throw .socket(error)
        }
        router.files.loadAtLowPriority()
        logger.log(
            .info, "listening on \(loops.settings.host):\(bound)",
            fields: [("port", .int(Int64(bound))), ("workers", .int(Int64(loops.settings.workers))),
                     ("routes", .int(Int64(config.routes.count)))])
    }

    /// The port actually bound (useful with port 0); nil before `start`.
    package var boundPort: Int? { loops.boundPort }

    /// The core's settings the loops run with (limits, `server.headers`).
    var settings: HTTPServerSettings { loops.settings }

    /// Hands `payload` to an upgraded connection's `delivered`, on its own loop. Safe from any
    /// thread; a handle to a connection that has closed is ignored.
    package func deliver(_ payload: [UInt8], to handle: ConnectionHandle) {
        loops.loop(for: handle)?.deliver(payload, to: handle)
    }

    /// Hands the same `payload` to many upgraded connections (a channel broadcast): one mailbox post
    /// per loop, in the order given within each loop. Safe from any thread.
    package func deliver(_ payload: [UInt8], toEach handles: [ConnectionHandle]) {
        loops.deliver(payload, toEach: handles)
    }

    /// Closes a connection (after its pending output) from any thread.
    package func closeConnection(_ handle: ConnectionHandle) {
        loops.loop(for: handle)?.close(handle)
    }

    /// True once draining started (readiness answers 503).
    package var isDraining: Bool { router.state.draining }

    /// SIGTERM: readiness flips to 503 at once, the listener closes, in-flight requests finish, idle
    /// connections close. Returns immediately; `waitUntilStopped` waits for the loops.
    package func beginShutdown() {
        guard router.state.startDraining() else { return }
        logger.log(.notice, "shutdown started: draining connections",
                   fields: [("grace_ms", .int(config.server.shutdownGrace.milliseconds))])
        loops.wakeAll()
    }

    /// After `beginShutdown`: waits until no loop has a connection left, or `timeoutMilliseconds`
    /// passed; true when all are drained. Clients on the loops (Redis) still run meanwhile.
    @discardableResult
    package func waitUntilDrained(timeoutMilliseconds: Int64) -> Bool {
        loops.waitUntilDrained(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Waits until every loop finished or `timeoutMilliseconds` passed; true when all finished.
    /// A loop that runs a client (Redis) ends only once that client is closed.
    @discardableResult
    package func waitUntilStopped(timeoutMilliseconds: Int64) -> Bool {
        loops.waitUntilStopped(timeoutMilliseconds: timeoutMilliseconds)
    }
}

extension HTTPServerSettings {
    /// The core's settings from `server.*` of the config.
    init(config: PilotoConfig, host: String, port: Int, workers: Int) {
        let limits = config.server.limits
        self.init(
            host: host, port: port, workers: workers,
            limits: HTTPParserLimits(
                maxHeadBytes: Int(clamping: limits.headerBytes.bytes), maxHeaderCount: limits.maxHeaderCount,
                maxBodyBytes: Int(clamping: config.largestBodyLimit.bytes)),
            timeouts: ConnectionTimeouts(
                header: limits.headerTimeout.milliseconds, body: limits.bodyTimeout.milliseconds,
                idle: limits.idleTimeout.milliseconds),
            maxConnections: limits.maxConnections,
            extraHeaders: config.server.headers.map { ($0.name, $0.value) })
    }
}
