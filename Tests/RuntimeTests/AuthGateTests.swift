@testable import PilotoConfig
import Synchronization
import Testing
@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// `AuthGate` and `SessionCookieWriter`, without sockets.
struct AuthGateTests {
    private func request(cookie: String?) -> HTTPRequest {
        var fields: [(name: String, value: String)] = [("Host", "t")]
        if let cookie { fields.append(("Cookie", cookie)) }
        return HTTPRequest(
            head: HTTPRequestHead(
                method: "GET", target: "/x", version: .http11, headers: HTTPHeaders(fields), framing: .none,
                keepAlive: true, expectContinue: false),
            path: "/x", query: nil, body: [], remote: SocketAddress(ip: "127.0.0.1", isLoopback: true), startNanos: 0)
    }

    private func outcome(_ gate: AuthGate, cookie: String?) -> AuthGate.Outcome? {
        let box = Mutex<AuthGate.Outcome?>(nil)
        gate.check(request(cookie: cookie)) { result in box.withLock { $0 = result } }
        return box.withLock { $0 }
    }

    private func status(_ outcome: AuthGate.Outcome?) -> Int? {
        guard case .denied(.response(let response)) = outcome else { return nil }
        return response.status.code
    }

    @Test func gate_findsSession_orDenies401() throws {
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 10)
        let created = Mutex<Session?>(nil)
        store.create(login: "ana") { result in created.withLock { $0 = try? result.get() } }
        let session = try #require(created.withLock { $0 })
        let gate = AuthGate(store: store, cookieName: "sid")
        guard case .session(let found) = outcome(gate, cookie: "a=b; sid=\(session.id)") else {
            Issue.record("expected the session")
            return
        }
        #expect(found == session)
        #expect(status(outcome(gate, cookie: nil)) == 401)
        #expect(status(outcome(gate, cookie: "sid=short")) == 401)
        #expect(status(outcome(gate, cookie: "other=\(session.id)")) == 401)
        #expect(status(outcome(gate, cookie: "sid=\(String(repeating: "f", count: 64))")) == 401)
    }

    @Test func gate_storeDown_is503WithRetryAfter() {
        let gate = AuthGate(store: UnavailableStore(), cookieName: "sid", retryAfterSeconds: 7)
        let result = outcome(gate, cookie: "sid=\(String(repeating: "a", count: 64))")
        guard case .denied(.response(let response)) = result else {
            Issue.record("expected a denial")
            return
        }
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers["Retry-After"] == "7")
    }

    // MARK: lookup: the three-way answer behind `check`, for handlers that word their own 401
    // (the dashboard). Malformed ids never reach the store; a store failure is never "no session".

    private func lookup(_ gate: AuthGate, cookie: String?) -> AuthGate.Lookup? {
        let box = Mutex<AuthGate.Lookup?>(nil)
        gate.lookup(request(cookie: cookie)) { found in box.withLock { $0 = found } }
        return box.withLock { $0 }
    }

    @Test func lookup_session_noSession_andMalformedNeverAsked() throws {
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 10)
        let created = Mutex<Session?>(nil)
        store.create(login: "ana") { result in created.withLock { $0 = try? result.get() } }
        let session = try #require(created.withLock { $0 })
        let gate = AuthGate(store: store, cookieName: "sid")
        guard case .session(let found)? = lookup(gate, cookie: "sid=\(session.id)") else {
            Issue.record("expected the session")
            return
        }
        #expect(found == session)
        for cookie in [nil, "sid=short", "other=\(session.id)", "sid=\(String(repeating: "f", count: 64))"] {
            guard case .noSession? = lookup(gate, cookie: cookie) else {
                Issue.record("expected no session for \(cookie ?? "no cookie")")
                continue
            }
        }
        // A down store is not consulted for a malformed id: that is no session, not a 503.
        let down = AuthGate(store: UnavailableStore(), cookieName: "sid")
        guard case .noSession? = lookup(down, cookie: "sid=not-hex") else {
            Issue.record("malformed id reached the store")
            return
        }
    }

    @Test func lookup_storeDown_isStoreFailed_andCheckTurnsItInto503() {
        let gate = AuthGate(store: UnavailableStore(), cookieName: "sid", retryAfterSeconds: 9)
        let id = String(repeating: "a", count: 64)
        guard case .storeFailed(.unavailable)? = lookup(gate, cookie: "sid=\(id)") else {
            Issue.record("expected a store failure")
            return
        }
        let box = Mutex<AuthGate.Outcome?>(nil)
        gate.check(request(cookie: "sid=\(id)")) { outcome in box.withLock { $0 = outcome } }
        guard case .denied(.response(let response))? = box.withLock({ $0 }) else {
            Issue.record("expected a denial")
            return
        }
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers["Retry-After"] == "9")
    }

    @Test func cookieWriter_rendersEveryAttributeCombination() {
        let plain = SessionCookie(
            name: "s", httpOnly: false, secure: false, sameSite: .none, maxAge: .seconds(90), path: "/app", domain: nil)
        #expect(SessionCookieWriter(plain).set(id: "v") == "s=v; Path=/app; Max-Age=90; SameSite=None")
        #expect(SessionCookieWriter(plain).expire() == "s=; Path=/app; Max-Age=0; SameSite=None")
        let strict = SessionCookie.fixture(sameSite: .strict, domain: "example.com")
        #expect(
            SessionCookieWriter(strict).set(id: "v")
                == "session_id=v; Path=/; Max-Age=604800; Domain=example.com; HttpOnly; Secure; SameSite=Strict")
    }

    @Test func clientAddress_usesLastForwardedHop_onlyWhenTrusted() {
        var fields = HTTPHeaders([("Host", "t"), ("X-Forwarded-For", "1.1.1.1, 2.2.2.2"), ("X-Forwarded-For", "3.3.3.3")])
        var request = request(cookie: nil)
        request.head.headers = fields
        #expect(ClientAddressPolicy(trustForwardedFor: true).address(of: request) == "3.3.3.3")
        #expect(ClientAddressPolicy(trustForwardedFor: false).address(of: request) == "127.0.0.1")
        fields = HTTPHeaders([("Host", "t")])
        request.head.headers = fields
        #expect(ClientAddressPolicy(trustForwardedFor: true).address(of: request) == "127.0.0.1")
    }
}
