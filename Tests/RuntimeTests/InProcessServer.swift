import PilotoConfig
@testable import PilotoRuntime
import PilotoTestKit

/// `RunningServer` without the socket: the `Server` a config builds (router, application
/// responders, metrics, the loops' observer), never started, answered through `InProcessClient`
/// with the server's own limits, `server.headers`, observer and connection counters. So a test
/// of what a route answers, or of what the metrics count, runs no loop and binds no port; the
/// socket path itself is covered by the tests that keep a `RunningServer` (pipelining,
/// back-pressure, limits over TCP, curl).
final class InProcessServer {
    typealias Response = (status: Int, headers: [String: String], body: String, raw: String)

    let server: Server
    let logs: CapturingSink
    let client: InProcessClient

    convenience init(_ config: PilotoConfig, makeResponders: (ServerLink) -> ApplicationResponders = { _ in .none }) throws {
        let logs = CapturingSink()
        let logger = Logger(sink: logs, project: config.service.project)
        self.init(
            server: try Server(config: config, host: "127.0.0.1", port: 0, logger: logger, makeResponders: makeResponders),
            logs: logs)
    }

    /// Answers through `server`, which is never started (its logger is closed with this).
    init(server: Server, logs: CapturingSink) {
        self.server = server
        self.logs = logs
        client = InProcessClient(
            responder: server.router, extraHeaders: server.settings.extraHeaders, limits: server.settings.limits,
            observer: server.recorder, connections: server.router.metrics.connections)
    }

    deinit { server.logger.close() }

    /// One request on a fresh connection, written as `RawClient` tests write it (`Host: t`).
    func get(_ target: String, _ headers: [String] = [], method: String = "GET") throws -> Response? {
        let text = "\(method) \(target) HTTP/1.1\r\nHost: t\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
        return try responses(text, heads: [method == "HEAD"]).first
    }

    /// Every response the server writes for `text` (one request, or several pipelined), in order.
    /// - Parameter heads: which responses answer HEAD requests (a length, no body); missing: false.
    func responses(_ text: String, heads: [Bool] = []) throws -> [Response] {
        var bytes = try client.send(Array(text.utf8))
        var out: [Response] = []
        while let (response, used) = RawClient.framedResponse(bytes, head: heads.indices.contains(out.count) && heads[out.count]) {
            out.append(response)
            bytes.removeFirst(used)
        }
        return out
    }
}

extension Server {
    /// For a fixture that runs either way: started on 127.0.0.1:0 when `listening` (its port, no
    /// in-process client), or else left unstarted and answered in-process (port 0).
    func listenOrAnswerInProcess(listening: Bool, logs: CapturingSink) throws -> (port: Int, inProcess: InProcessServer?) {
        guard listening else { return (0, InProcessServer(server: self, logs: logs)) }
        try start()
        return (boundPort ?? 0, nil)
    }
}
