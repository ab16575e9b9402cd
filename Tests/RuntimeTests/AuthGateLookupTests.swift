import Synchronization
import Testing
@testable import PilotoRuntime

/// `AuthGate.lookup`: the three-way answer behind `check`, used by handlers that word their own
/// 401 (the dashboard). Malformed ids never reach the store; a store failure is never "no session".
struct AuthGateLookupTests {
    private func request(cookie: String?) -> HTTPRequest {
        var fields: [(name: String, value: String)] = [("Host", "t")]
        if let cookie { fields.append(("Cookie", cookie)) }
        return HTTPRequest(
            head: HTTPRequestHead(
                method: "GET", target: "/x", version: .http11, headers: HTTPHeaders(fields), framing: .none,
                keepAlive: true, expectContinue: false),
            path: "/x", query: nil, body: [], remote: SocketAddress(ip: "127.0.0.1", isLoopback: true), startNanos: 0)
    }

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
}
