import Foundation
import PilotoConfig
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

/// A server on 127.0.0.1:0 whose `/api/auth` route is a real `AuthResponder`.
/// `@unchecked`: every property is an immutable `let`; each request opens its own connection.
final class AuthServer: @unchecked Sendable {
    let server: Server
    let port: Int
    let logs = CapturingSink()
    let store: any SessionStore
    let users: UserDirectory
    let responder: AuthResponder

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
        let responder = AuthResponder(
            prefix: "/api/auth", store: store, users: users, cookie: cookie, addresses: addresses,
            failureLimit: failureLimit, limiterClock: limiterClock, logger: logger)
        self.responder = responder
        server = try Server(
            config: config, host: "127.0.0.1", port: 0, logger: logger, devMode: devMode,
            makeResponders: { _ in .only("/api/auth", responder) })
        try server.start()
        port = server.boundPort ?? 0
    }

    deinit { server.stopForTest(closingLogger: true) }

    typealias Response = (status: Int, headers: [String: String], body: String, raw: String)

    /// One request on a fresh connection.
    func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [(String, String)] = []
    ) throws -> Response? {
        let client = try RawClient(port: port, receiveTimeoutSeconds: 10)
        var text = "\(method) \(path) HTTP/1.1\r\nHost: app.example.com\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            if let contentType { text += "Content-Type: \(contentType)\r\n" }
            text += "Content-Length: \(body.utf8.count)\r\n"
        }
        text += "Connection: close\r\n\r\n" + (body ?? "")
        client.send(text)
        return client.readResponse(head: method == "HEAD")
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
