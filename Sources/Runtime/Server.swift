import CLinuxEvents
import Dispatch
import FoundationEssentials
import Glibc
import PilotoConfig
import Synchronization

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
/// drains on `beginShutdown()`.
///
/// Everything that can fail because of the config (missing static roots) fails in `init`, before
/// any socket is bound, so a bad deploy never takes traffic.
package final class Server: Sendable {
    package let config: PilotoConfig
    package let router: Router
    package let logger: Logger
    private let host: String
    private let port: Int
    private let workers: Int
    private let runtime = Mutex<Runtime?>(nil)
    private let group = DispatchGroup()
    /// Held for the server's lifetime: responders may keep only a weak reference to it, and
    /// deliveries through a freed link would be dropped silently. (The link points back weakly.)
    package let link: ServerLink

    private struct Runtime {
        var listener: Int32
        var boundPort: Int
        var loops: [EventLoop]
    }

    /// - Parameters:
    ///   - port: the effective port (`PORT` and `--port` already applied); 0 picks a free one.
    ///   - responders: handlers for websocket/auth/dashboard/proxy routes, keyed by route path.
    package convenience init(
        config: PilotoConfig, host: String = "0.0.0.0", port: Int, logger: Logger,
        responders: [String: any Responder] = [:], devMode: Bool = false
    ) throws(ServerError) {
        try self.init(
            config: config, host: host, port: port, logger: logger, devMode: devMode, makeResponders: { _ in responders })
    }

    /// - Parameter makeResponders: builds the custom route handlers from the server's shared parts
    ///   (state, metrics, logger, delivery to upgraded connections), keyed by route path.
    /// - Parameter devMode: `serve --dev` (CSRF also accepts loopback `http` origins).
    package init(
        config: PilotoConfig, host: String = "0.0.0.0", port: Int, logger: Logger, devMode: Bool = false,
        makeResponders: (ServerLink) -> [String: any Responder]
    ) throws(ServerError) {
        self.config = config
        self.host = host
        self.port = port
        self.logger = logger
        let configured = config.server.workers
        workers = configured > 0 ? configured : CPUAffinity.usableCPUs()
        let state = ServerState()
        let metrics = MetricsRegistry(routePatterns: config.routes.map(\.path), loopCount: workers)
        let link = ServerLink(config: config, state: state, metrics: metrics, logger: logger)
        self.link = link
        do {
            router = try Router(
                config: config, state: state, metrics: metrics, logger: logger, responders: makeResponders(link),
                devMode: devMode)
        } catch {
            throw .router(error)
        }
        link.attach(self)
    }

    /// Binds and starts the loops; returns once the server is listening.
    package func start() throws(ServerError) {
        SignalHandling.ignoreSIGPIPE()
        let listener: Int32
        do {
            listener = try Socket.listen(host: host, port: port)
        } catch {
            throw .socket(error)
        }
        let bound = Socket.boundPort(listener) ?? port
        let limits = config.server.limits
        let closeOnce = Atomic<Bool>(false)
        let directory = LoopDirectory()
        let context = LoopContext(
            router: router,
            serializer: ResponseSerializer(extraHeaders: config.server.headers.map { ($0.name, $0.value) }),
            limits: HTTPParserLimits(
                maxHeadBytes: Int(clamping: limits.headerBytes.bytes), maxHeaderCount: limits.maxHeaderCount,
                maxBodyBytes: Int(clamping: limits.bodyBytes.bytes)),
            timeouts: ConnectionTimeouts(
                header: limits.headerTimeout.milliseconds, body: limits.bodyTimeout.milliseconds,
                idle: limits.idleTimeout.milliseconds),
            maxConnections: max(1, limits.maxConnections),
            accessLog: config.server.accessLog,
            countryHeader: config.monitoring.countryHeader,
            logger: logger,
            clock: SystemClock(),
            listenerReleased: {
                if !closeOnce.exchange(true, ordering: .acquiringAndReleasing) { close(listener) }
            },
            listenerAcks: ListenerAcks(loops: workers),
            directory: directory)
        var loops: [EventLoop] = []
        do {
            for index in 0..<workers { loops.append(try EventLoop(index: index, listener: listener, context: context)) }
        } catch {
            close(listener)
            throw .socket(error)
        }
        directory.set(loops)
        runtime.withLock { $0 = Runtime(listener: listener, boundPort: bound, loops: loops) }
        for (index, loop) in loops.enumerated() {
            group.enter()
            let name = "piloto-loop-\(index)"
            let started = OSThread.start { [group] in
                piloto_name_this_thread(name)
                loop.run()
                group.leave()
            }
            if !started {
                group.leave()
                logger.log(.error, "could not start \(name): thread limit reached")
            }
        }
        logger.log(
            .info, "listening on \(host):\(bound)",
            fields: [("port", .int(Int64(bound))), ("workers", .int(Int64(workers))),
                     ("routes", .int(Int64(config.routes.count)))])
    }

    /// The port actually bound (useful with port 0); nil before `start`.
    package var boundPort: Int? { runtime.withLock { $0?.boundPort } }

    /// Hands `payload` to an upgraded connection's `delivered`, on its own loop. Safe from any
    /// thread; a handle to a connection that has closed is ignored.
    package func deliver(_ payload: [UInt8], to handle: ConnectionHandle) {
        guard let loop = runtime.withLock({ $0?.loops }).flatMap({ handle.loop < $0.count ? $0[handle.loop] : nil }) else { return }
        loop.post(.deliver(handle, payload))
    }

    /// Hands the same `payload` to many upgraded connections (a channel broadcast): one mailbox post
    /// per loop, in the order given within each loop. Safe from any thread.
    package func deliver(_ payload: [UInt8], toEach handles: [ConnectionHandle]) {
        guard let loops = runtime.withLock({ $0?.loops }), !handles.isEmpty else { return }
        var byLoop = [[ConnectionHandle]](repeating: [], count: loops.count)
        for handle in handles where handle.loop >= 0 && handle.loop < loops.count { byLoop[handle.loop].append(handle) }
        for (index, group) in byLoop.enumerated() where !group.isEmpty {
            loops[index].post(group.count == 1 ? .deliver(group[0], payload) : .deliverEach(group, payload))
        }
    }

    /// Closes a connection (after its pending output) from any thread.
    package func closeConnection(_ handle: ConnectionHandle) {
        guard let loop = runtime.withLock({ $0?.loops }).flatMap({ handle.loop < $0.count ? $0[handle.loop] : nil }) else { return }
        loop.post(.close(handle))
    }

    /// True once draining started (readiness answers 503).
    package var isDraining: Bool { router.state.draining }

    /// SIGTERM: readiness flips to 503 at once, the listener closes, in-flight requests finish, idle
    /// connections close. Returns immediately; `waitUntilStopped` waits for the loops.
    package func beginShutdown() {
        guard router.state.startDraining() else { return }
        logger.log(.notice, "shutdown started: draining connections",
                   fields: [("grace_ms", .int(config.server.shutdownGrace.milliseconds))])
        for loop in runtime.withLock({ $0?.loops ?? [] }) { loop.wake() }
    }

    /// Waits until every loop finished or `timeoutMilliseconds` passed; true when all finished.
    @discardableResult
    package func waitUntilStopped(timeoutMilliseconds: Int64) -> Bool {
        let result = group.wait(timeout: .now() + .milliseconds(Int(clamping: timeoutMilliseconds)))
        return result == .success
    }
}
