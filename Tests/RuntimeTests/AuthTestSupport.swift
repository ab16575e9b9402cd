import Foundation
@testable import PilotoConfig
@testable import PilotoRuntime
import PilotoTestKit

/// A temporary users file with real yescrypt hashes.
final class UsersFileFixture {
    let directory: String
    let path: String

    /// - Parameter users: (login, password) pairs, hashed now with libcrypt.
    init(_ users: [(String, String)], extraLines: [String] = []) throws {
        directory = NSTemporaryDirectory() + "piloto-users-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/users.txt"
        try write(users, extraLines: extraLines)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Replaces the file the way editors and `kubectl cp` do: a new file renamed over the old.
    func write(_ users: [(String, String)], extraLines: [String] = []) throws {
        var lines = ["# test users"]
        for (login, password) in users {
            guard let hash = PasswordHasher.hash(password) else { throw CocoaError(.fileWriteUnknown) }
            lines.append("\(login):\(hash)")
        }
        lines += extraLines
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// The router a server builds for `/api/health` and `/api/auth` (a real `AuthResponder`, real
/// yescrypt hashes on the hashing pool), driven in-process: the request bytes go through the core's
/// parser and the answer comes back as the bytes the server would write (`InProcessClient`), with
/// no socket. The socket path itself is covered by `ServerStaticTests` and the CLI's serve tests.
/// `@unchecked`: every property is an immutable `let`.
final class AuthServer: @unchecked Sendable {
    let logs = CapturingSink()
    let store: any SessionStore
    let users: UserDirectory
    let responder: AuthResponder
    private let logger: Logger
    private let client: InProcessClient

    init(
        users: UserDirectory, store: (any SessionStore)? = nil, cookie: SessionCookie = .fixture(),
        addresses: ClientAddressPolicy = ClientAddressPolicy(), failureLimit: Int = 5,
        limiterClock: any WallClock = SystemWallClock(), extraRoutes: [Route] = [], devMode: Bool = false
    ) throws {
        let store = store ?? MemorySessionStore(ttlMilliseconds: 7 * 86_400_000, maxSessions: 100)
        self.store = store
        self.users = users
        var config = PilotoConfig.fixture(
            routes: [
                Route(path: "/api/health", handler: .health, authRequired: false),
                Route(path: "/api/auth", handler: .auth, authRequired: false),
            ] + extraRoutes, workers: 1)
        config.cookies.session = cookie
        let logger = Logger(sink: logs, project: nil)
        self.logger = logger
        let responder = AuthResponder(
            prefix: "/api/auth", store: store, users: users, cookie: cookie, addresses: addresses,
            failureLimit: failureLimit, limiterClock: limiterClock, logger: logger)
        self.responder = responder
        let router = try RouteAssembly.router(
            config: config, state: ServerState(), metrics: MetricsRegistry(routePatterns: config.routes.map(\.path), loopCount: 1),
            logger: logger, application: .only("/api/auth", responder), devMode: devMode, backends: .empty)
        client = InProcessClient(responder: router, extraHeaders: config.server.headers.map { ($0.name, $0.value) })
    }

    deinit { logger.close() }

    typealias Response = (status: Int, headers: [String: String], body: String, raw: String)

    /// One request, as on a fresh connection (`Connection: close`).
    func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [(String, String)] = []
    ) throws -> Response? {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: app.example.com\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            if let contentType { text += "Content-Type: \(contentType)\r\n" }
            text += "Content-Length: \(body.utf8.count)\r\n"
        }
        text += "Connection: close\r\n\r\n" + (body ?? "")
        let answer = try client.send(Array(text.utf8))
        return RawClient.framedResponse(answer, head: method == "HEAD")?.response
    }

    func login(_ login: String, _ password: String, headers: [(String, String)] = []) throws -> Response? {
        try request("POST", "/api/auth/login", body: #"{"login":"\#(login)","password":"\#(password)"}"#, headers: headers)
    }

    func me(cookie: String?) throws -> Response? {
        try request("GET", "/api/auth/me", headers: cookie.map { [("Cookie", $0)] } ?? [])
    }
}

extension SessionCookie {
    static func fixture(sameSite: SameSite = .lax, domain: String? = nil, name: String = "session_id") -> SessionCookie {
        SessionCookie(
            name: name, httpOnly: true, secure: true, sameSite: sameSite, maxAge: .days(7), path: "/", domain: domain)
    }
}

/// `name=value` from a `Set-Cookie` header (the part a browser sends back).
func cookiePair(_ setCookie: String?) -> String? {
    setCookie?.split(separator: ";").first.map(String.init)
}

/// The session id in a `Set-Cookie` header.
func cookieValue(_ setCookie: String?) -> String? {
    cookiePair(setCookie)?.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init)
}

/// A store that is down: every call fails with `.unavailable` (the Redis-down case).
struct UnavailableStore: SessionStore {
    func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
        completion(.failure(.unavailable("test: store down")))
    }
    func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        completion(.failure(.unavailable("test: store down")))
    }
    func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
        completion(.failure(.unavailable("test: store down")))
    }
    var degradedReason: String? { "test: store down" }
}
