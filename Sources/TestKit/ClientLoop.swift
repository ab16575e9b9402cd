import PilotoRuntime

/// A core event loop for tests that run clients (Redis) without a `Server`: one worker listening
/// on a free loopback port that answers 404 (no test connects to it). Redis connections run only
/// on server loops, so this is where test clients live.
package final class ClientLoop: Sendable {
    private let group: EventLoopGroup
    private let state = ServerState()
    /// Where clients run (`RedisClient(url:loop:)`).
    package var handle: LoopHandle { group.loops[0] }

    /// One loop for the whole test process, like the shared redis-server: most tests need a loop
    /// only to run their clients on, never to stop it.
    package static let shared: LoopHandle = {
        do {
            return try ClientLoop().handle
        } catch {
            fatalError("no event loop for the tests: \(error)")
        }
    }()

    package init() throws(SocketError) {
        let settings = HTTPServerSettings(
            host: "127.0.0.1", port: 0, workers: 1,
            limits: HTTPParserLimits(maxHeadBytes: 8192, maxHeaderCount: 64, maxBodyBytes: 1024),
            timeouts: ConnectionTimeouts(header: 10_000, body: 10_000, idle: 10_000),
            maxConnections: 16, extraHeaders: [])
        group = try EventLoopGroup(settings: settings, observer: Unobserved(), state: state, counters: ConnectionCounters())
        _ = try group.start(responder: NotFound())
    }

    /// Starts the drain: the loop has no connections, so it is drained at once, and ends once no
    /// client runs on it any more.
    package func beginDrain() {
        _ = state.startDraining()
        group.wakeAll()
    }

    package func waitUntilDrained(timeoutMilliseconds: Int64) -> Bool {
        group.waitUntilDrained(timeoutMilliseconds: timeoutMilliseconds)
    }

    package func waitUntilStopped(timeoutMilliseconds: Int64) -> Bool {
        group.waitUntilStopped(timeoutMilliseconds: timeoutMilliseconds)
    }
}

private struct NotFound: HTTPResponder {
    func respond(to request: HTTPRequest, context: inout RequestContext) throws(HTTPError) -> RouteResponse {
        throw HTTPError(.notFound)
    }
}

private struct Unobserved: RequestObserver {
    func completed(_ request: HTTPRequest, context: RequestContext, status: HTTPStatus, bytes: Int, nanos: Int64) {}
    func rejected(status: HTTPStatus, reason: HTTPRejection?, remote: SocketAddress, loop: Int) {}
    func loopFailed(_ operation: String, errno: Int32) {}
}
