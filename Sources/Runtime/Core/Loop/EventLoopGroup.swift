import CLinuxEvents
import Dispatch
import Glibc
import Synchronization

/// How the core serves connections: every number it needs, and nothing of the config file (the
/// application builds this from it).
package struct HTTPServerSettings: Sendable {
    package var host: String
    /// 0 picks a free port (tests).
    package var port: Int
    /// Event loops (threads); each owns the connections it accepts or is dealt.
    package var workers: Int
    package var limits: HTTPParserLimits
    package var timeouts: ConnectionTimeouts
    /// Beyond this many open connections, further clients wait in the kernel backlog.
    package var maxConnections: Int
    /// Fields added to every response (`server.headers`).
    package var extraHeaders: [(String, String)]

    package init(
        host: String, port: Int, workers: Int, limits: HTTPParserLimits, timeouts: ConnectionTimeouts,
        maxConnections: Int, extraHeaders: [(String, String)]
    ) {
        self.host = host
        self.port = port
        self.workers = workers
        self.limits = limits
        self.timeouts = timeouts
        self.maxConnections = maxConnections
        self.extraHeaders = extraHeaders
    }
}

/// The loops of one server: their `LoopHandle`s exist from `init` (so application clients such as
/// Redis can be given a loop while the server is assembled; their mail waits), `start` binds the
/// listener and starts one thread per loop (each thread creates and owns its `EventLoop`).
///
/// Shutdown is ordered: `state.startDraining()` + `wakeAll()`, `waitUntilDrained` (no connection
/// left), then the application closes what it runs on the loops (`LoopSockets` locals), and each
/// loop ends once it holds none (`waitUntilStopped`).
package final class EventLoopGroup: Sendable {
    package let settings: HTTPServerSettings
    /// Shared with the application: `draining` flips the loops into drain on their next wake-up.
    package let state: ServerState
    package let counters: ConnectionCounters
    private let observer: any RequestObserver
    private let clock: any MonotonicClock
    /// One per worker, created in `init`.
    package let loops: [LoopHandle]
    private let boundPortBox = Mutex<Int?>(nil)
    private let group = DispatchGroup()
    private let drainedGroup = DispatchGroup()

    package init(
        settings: HTTPServerSettings, observer: any RequestObserver,
        state: ServerState, counters: ConnectionCounters, clock: any MonotonicClock = SystemClock()
    ) throws(SocketError) {
        var handles: [LoopHandle] = []
        for index in 0..<max(1, settings.workers) { handles.append(try LoopHandle(index: index)) }
        loops = handles
        self.settings = settings
        self.observer = observer
        self.state = state
        self.counters = counters
        self.clock = clock
    }

    /// Binds and starts the loops, each answering with `responder`; returns the bound port once the
    /// server is listening. Call once.
    package func start(responder: any HTTPResponder) throws(SocketError) -> Int {
        SignalHandling.ignoreSIGPIPE()
        let listener = try Socket.listen(host: settings.host, port: settings.port)
        let bound = Socket.boundPort(listener) ?? settings.port
        let workers = loops.count
        let closeOnce = Atomic<Bool>(false)
        let directory = LoopDirectory()
        let context = LoopContext(
            responder: responder, observer: observer,
            serializer: ResponseSerializer(extraHeaders: settings.extraHeaders),
            limits: settings.limits, timeouts: settings.timeouts, maxConnections: max(1, settings.maxConnections),
            state: state, counters: counters, clock: clock,
            listenerReleased: {
                if !closeOnce.exchange(true, ordering: .acquiringAndReleasing) { close(listener) }
            },
            listenerAcks: ListenerAcks(loops: workers),
            directory: directory,
            drained: { [drainedGroup] in drainedGroup.leave() })
        directory.set(loops)
        boundPortBox.withLock { $0 = bound }
        for handle in loops {
            group.enter()
            drainedGroup.enter()
            let name = "piloto-loop-\(handle.index)"
            let started = OSThread.start { [group] in
                piloto_name_this_thread(name)
                EventLoop(handle: handle, listener: listener, context: context).run()
                group.leave()
            }
            // EAGAIN (thread or memory limit): this loop never runs; don't wait for it at shutdown.
            if !started {
                drainedGroup.leave()
                group.leave()
            }
        }
        return bound
    }

    /// The port actually bound; nil before `start`.
    package var boundPort: Int? { boundPortBox.withLock { $0 } }

    /// The loop that owns `connection`, if the server runs.
    package func loop(for connection: ConnectionHandle) -> LoopHandle? {
        let all = loops
        return connection.loop >= 0 && connection.loop < all.count ? all[connection.loop] : nil
    }

    /// Hands the same `payload` to many upgraded connections: one mailbox post per loop, in the
    /// order given within each loop. Safe from any thread.
    package func deliver(_ payload: [UInt8], toEach connections: [ConnectionHandle]) {
        let all = loops
        guard !all.isEmpty, !connections.isEmpty else { return }
        var byLoop = [[ConnectionHandle]](repeating: [], count: all.count)
        for connection in connections where connection.loop >= 0 && connection.loop < all.count {
            byLoop[connection.loop].append(connection)
        }
        for (index, group) in byLoop.enumerated() where !group.isEmpty { all[index].deliver(payload, toEach: group) }
    }

    /// Starts the drain (`state.startDraining()` must have flipped first): wakes every loop.
    package func wakeAll() {
        for loop in loops { loop.wake() }
    }

    /// After the drain began: waits until no loop has a connection left, or `timeoutMilliseconds`
    /// passed; true when all are drained. The loops still run what is posted to them.
    package func waitUntilDrained(timeoutMilliseconds: Int64) -> Bool {
        drainedGroup.wait(timeout: .now() + .milliseconds(Int(clamping: timeoutMilliseconds))) == .success
    }

    /// Waits until every loop finished or `timeoutMilliseconds` passed; true when all finished.
    package func waitUntilStopped(timeoutMilliseconds: Int64) -> Bool {
        group.wait(timeout: .now() + .milliseconds(Int(clamping: timeoutMilliseconds))) == .success
    }
}
