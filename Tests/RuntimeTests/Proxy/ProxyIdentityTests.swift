import Foundation
import PilotoConfig
import Synchronization
import Testing
@testable import PilotoRuntime

/// Who the backend is told the user is: `X-Piloto-Assertion` (HS256, verified by PyJWT, a real
/// third-party implementation), `X-Piloto-User`, or nothing; forged headers never get through.
@Suite("Proxy: identity of the logged-in user")
struct ProxyIdentityTests {
    static let key = "k3y-for-tests-only-0123456789abcdef-ABCDEF"

    /// A memory store with one session for `ana`, and its cookie.
    static func session() throws -> (MemorySessionStore, String, Session) {
        let store = MemorySessionStore(ttlMilliseconds: 86_400_000, maxSessions: 100)
        let created = Mutex<Session?>(nil)
        store.create(login: "ana") { result in created.withLock { $0 = try? result.get() } }
        let session = try #require(created.withLock { $0 })
        return (store, "session_id=\(session.id)", session)
    }

    @Test("signed: a JWT PyJWT verifies (iss, aud, exp ≤ iat + 60, sub, sid is a hash of the session id, never the id)")
    func signedAssertionVerifiedByPyJWT() throws {
        let (store, cookie, session) = try Self.session()
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(
            upstreamPort: upstream.port, route: { $0.identity = .signed }, sessions: store, identityKey: Self.key,
            authRequired: true)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\nCookie: \(cookie)\r\nX-Piloto-Assertion: forged.by.client\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        let received = try #require(upstream.requests.first)
        let tokens = received.values("X-Piloto-Assertion")
        #expect(tokens.count == 1)
        let token = try #require(tokens.first)
        #expect(token != "forged.by.client")
        #expect(!token.contains(session.id))
        let claims = try Self.pyjwtDecode(token, key: Self.key, audience: "demo")
        #expect(claims.contains("\"sub\": \"ana\""))
        #expect(claims.contains("\"iss\": \"piloto\""))
        #expect(claims.contains("\"lifetime\": 60"))
        #expect(claims.contains("\"sid\": \"\(IdentityAssertion.sessionHash(session.id))\""))
        // The wrong audience and a tampered token are refused by the same verifier.
        #expect(throws: (any Error).self) { try Self.pyjwtDecode(token, key: Self.key, audience: "another-service") }
        #expect(throws: (any Error).self) { try Self.pyjwtDecode(token + "x", key: Self.key, audience: "demo") }
    }

    @Test("auth: required without a session is a 401 from piloto; the backend is not called")
    func unauthenticatedNeverReachesUpstream() throws {
        let (store, _, _) = try Self.session()
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(
            upstreamPort: upstream.port, route: { $0.identity = .signed }, sessions: store, identityKey: Self.key,
            authRequired: true)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\nX-Piloto-User: admin\r\n\r\n")
        #expect(client.readResponse()?.status == 401)
        #expect(upstream.requests.isEmpty)
    }

    @Test("not logged in on a public route: no identity header at all, forged ones stripped")
    func anonymousGetsNoIdentity() throws {
        let (store, _, _) = try Self.session()
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(
            upstreamPort: upstream.port, route: { $0.identity = .signed }, sessions: store, identityKey: Self.key)
        let client = try fixture.client()
        client.send(
            "GET /api/clientes HTTP/1.1\r\nHost: a\r\nCookie: session_id=\(String(repeating: "ab", count: 32))\r\n"
                + "X-Piloto-User: admin\r\nX-Piloto-Assertion: forged\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        let received = try #require(upstream.requests.first)
        #expect(received.values("X-Piloto-User").isEmpty)
        #expect(received.values("X-Piloto-Assertion").isEmpty)
    }

    @Test("headers: X-Piloto-User carries the login")
    func headersMode() throws {
        let (store, cookie, _) = try Self.session()
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port, route: { $0.identity = .headers }, sessions: store)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\nCookie: \(cookie)\r\nX-Piloto-User: admin\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        #expect(upstream.requests.first?.values("X-Piloto-User") == ["ana"])
    }

    /// Decodes with PyJWT (HS256 only, audience and issuer checked, exp required); throws when refused.
    static func pyjwtDecode(_ token: String, key: String, audience: String) throws -> String {
        let script = """
            import json, sys, jwt
            c = jwt.decode(sys.argv[1], sys.argv[2], algorithms=["HS256"], audience=sys.argv[3], issuer="piloto",
                           options={"require": ["exp", "iat", "iss", "aud", "sub"]})
            c["lifetime"] = c["exp"] - c["iat"]
            print(json.dumps(c, sort_keys=True))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, token, key, audience]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EPERM) }
        return text
    }
}
