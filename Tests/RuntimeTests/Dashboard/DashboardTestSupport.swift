import Dispatch
import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// A session store for the dashboard tests: fixed sessions, or always unavailable. It answers on
/// another thread, as a Redis store would, so the responder's deferred path is the one exercised.
final class StubSessionStore: SessionStore {
    let sessions: [String: Session]
    let failure: SessionStoreError?

    init(sessions: [Session] = [], failure: SessionStoreError? = nil) {
        var byId: [String: Session] = [:]
        for session in sessions { byId[session.id] = session }
        self.sessions = byId
        self.failure = failure
    }

    func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
        DispatchQueue.global().async { completion(.failure(.unavailable("stub store cannot create"))) }
    }

    func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        let answer: Result<Session?, SessionStoreError> = failure.map { .failure($0) } ?? .success(sessions[id])
        DispatchQueue.global().async { completion(answer) }
    }

    func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
        DispatchQueue.global().async { completion(.success(())) }
    }

    var degradedReason: String? { failure.map { "\($0)" } }

    /// A session valid for an hour.
    static func live(id: String, login: String = "vendedor") -> Session {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return Session(id: id, login: login, createdAt: now, expiresAt: now + 3_600_000)
    }
}

/// A server with the dashboard at `/api/dashboard` backed by `store`: answered in-process
/// (`InProcessServer`, no socket), or `listening` on 127.0.0.1:0 for a real client (the browser).
final class DashboardServer {
    static let prefix = "/api/dashboard"
    let server: Server
    /// The bound port when `listening`; 0 in-process.
    let port: Int
    private let inProcess: InProcessServer?

    init(
        site: SiteFixture, store: any SessionStore, triggers: Triggers? = nil,
        headers: [HeaderField] = [HeaderField(name: "X-Content-Type-Options", value: "nosniff")], listening: Bool = false
    ) throws {
        var routes = site.routes()
        routes.insert(Route(path: Self.prefix, handler: .dashboard, authRequired: true), at: 1)
        var config = PilotoConfig.fixture(routes: routes, headers: headers)
        if let triggers { config.monitoring.triggers = triggers }
        let logs = CapturingSink()
        server = try Server(
            config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: logs),
            makeResponders: { link in
                .only(Self.prefix, DashboardResponder(link: link, prefix: Self.prefix, sessions: store))
            })
        (port, inProcess) = try server.listenOrAnswerInProcess(listening: listening, logs: logs)
    }

    deinit { if inProcess == nil { server.stopForTest(closingLogger: true) } }

    /// One request on a fresh connection.
    func get(
        _ path: String, method: String = "GET", cookie: String? = nil, extra: String = ""
    ) throws -> (status: Int, headers: [String: String], body: String, raw: String)? {
        let cookieLine = cookie.map { "Cookie: theme=dark; session_id=\($0)\r\n" } ?? ""
        let text = "\(method) \(path) HTTP/1.1\r\nHost: t\r\n\(cookieLine)\(extra)\r\n"
        if let inProcess { return try inProcess.responses(text, heads: [method == "HEAD"]).first }
        let client = try RawClient(port: port)
        client.send(text)
        return client.readResponse(head: method == "HEAD")
    }

    /// Every response to `text` (pipelined requests) on one connection, in-process.
    func responses(_ text: String, heads: [Bool]) throws -> [InProcessServer.Response] {
        try #require(inProcess).responses(text, heads: heads)
    }
}
