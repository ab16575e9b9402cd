import Dispatch
import Foundation
import Synchronization
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// `/api/auth` over real sockets, with real yescrypt hashes in a real users file.
struct AuthServerTests {
    private func start(
        cookie: SessionCookie = .fixture(), store: (any SessionStore)? = nil, failureLimit: Int = 5,
        addresses: ClientAddressPolicy = ClientAddressPolicy()
    ) throws -> (AuthServer, UsersFileFixture) {
        let file = try UsersFileFixture([("ana", "senha-ana"), ("bia", "senha-bia")])
        let server = try AuthServer(
            users: UserDirectory(path: file.path, logger: nil), store: store, cookie: cookie, addresses: addresses,
            failureLimit: failureLimit)
        return (server, file)
    }

    @Test func login_setsExactCookie_andMeAnswers() throws {
        let (server, _) = try start()
        let response = try #require(try server.login("ana", "senha-ana"))
        #expect(response.status == 200)
        #expect(response.body == #"{"login":"ana"}"#)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["cache-control"] == "no-store")
        let setCookie = try #require(response.headers["set-cookie"])
        let id = try #require(cookieValue(setCookie))
        #expect(SessionID.isWellFormed(id))
        #expect(setCookie == "session_id=\(id); Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax")
        let me = try #require(try server.me(cookie: "other=1; session_id=\(id)"))
        #expect(me.status == 200)
        #expect(me.body == #"{"login":"ana"}"#)
    }

    @Test func cookieAttributes_followConfig_domainAndStrict() throws {
        let cookie = SessionCookie(
            name: "sid", httpOnly: true, secure: true, sameSite: .strict, maxAge: .hours(2), path: "/", domain: "example.com")
        let (server, _) = try start(cookie: cookie)
        let response = try #require(try server.login("bia", "senha-bia"))
        #expect(response.status == 200)
        let setCookie = try #require(response.headers["set-cookie"])
        let id = try #require(cookieValue(setCookie))
        #expect(setCookie == "sid=\(id); Path=/; Max-Age=7200; Domain=example.com; HttpOnly; Secure; SameSite=Strict")
        #expect(try server.me(cookie: "sid=\(id)")?.status == 200)
        #expect(try server.me(cookie: "session_id=\(id)")?.status == 401)  // the configured name only
        let logout = try #require(try server.request("POST", "/api/auth/logout", headers: [("Cookie", "sid=\(id)")]))
        #expect(logout.headers["set-cookie"] == "sid=; Path=/; Max-Age=0; Domain=example.com; HttpOnly; Secure; SameSite=Strict")
    }

    @Test func login_neverReusesTheIncomingSession_andDestroysIt() throws {
        let (server, _) = try start()
        let first = try #require(cookieValue(try server.login("ana", "senha-ana")?.headers["set-cookie"]))
        let attackerChosen = String(repeating: "ab", count: 32)
        let second = try #require(
            cookieValue(try server.login("ana", "senha-ana", headers: [("Cookie", "session_id=\(first)")])?.headers["set-cookie"]))
        let third = try #require(
            cookieValue(
                try server.login("ana", "senha-ana", headers: [("Cookie", "session_id=\(attackerChosen)")])?.headers["set-cookie"]))
        #expect(first != second)
        #expect(third != attackerChosen && third != second)
        #expect(try server.me(cookie: "session_id=\(first)")?.status == 401)  // the old session is gone
        #expect(try server.me(cookie: "session_id=\(second)")?.status == 200)
        #expect(try server.me(cookie: "session_id=\(attackerChosen)")?.status == 401)
    }

    @Test func logout_reallyEndsTheSession() throws {
        let (server, _) = try start()
        let id = try #require(cookieValue(try server.login("ana", "senha-ana")?.headers["set-cookie"]))
        let logout = try #require(try server.request("POST", "/api/auth/logout", headers: [("Cookie", "session_id=\(id)")]))
        #expect(logout.status == 204)
        #expect(logout.headers["set-cookie"] == "session_id=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
        #expect(try server.me(cookie: "session_id=\(id)")?.status == 401)
        // Logging out without a cookie still clears the browser's.
        let anonymous = try #require(try server.request("POST", "/api/auth/logout"))
        #expect(anonymous.status == 204)
        #expect(anonymous.headers["set-cookie"]?.contains("Max-Age=0") == true)
    }

    @Test func wrongCredentials_are401_sameForUnknownLogins() throws {
        let (server, _) = try start()
        let wrong = try #require(try server.login("ana", "nope"))
        let unknown = try #require(try server.login("nobody", "nope"))
        #expect(wrong.status == 401)
        #expect(unknown.status == 401)
        #expect(wrong.body == unknown.body)
        #expect(wrong.headers["set-cookie"] == nil)
        #expect(try server.me(cookie: nil)?.status == 401)
    }

    @Test func expiry_followsTheStoreClock() throws {
        let clock = ManualWallClock()
        let store = MemorySessionStore(ttlMilliseconds: 3_600_000, maxSessions: 10, clock: clock)
        let (server, _) = try start(store: store)
        let id = try #require(cookieValue(try server.login("ana", "senha-ana")?.headers["set-cookie"]))
        clock.advance(milliseconds: 3_599_999)
        #expect(try server.me(cookie: "session_id=\(id)")?.status == 200)
        clock.advance(milliseconds: 1)
        #expect(try server.me(cookie: "session_id=\(id)")?.status == 401)
    }

    @Test func fullStore_is503WithRetryAfter() throws {
        let store = MemorySessionStore(ttlMilliseconds: 3_600_000, maxSessions: 1)
        let (server, _) = try start(store: store)
        #expect(try server.login("ana", "senha-ana")?.status == 200)
        let refused = try #require(try server.login("bia", "senha-bia"))
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] != nil)
    }

    @Test func storeDown_is503WithRetryAfter() throws {
        let (server, _) = try start(store: UnavailableStore())
        for response in [
            try server.login("ana", "senha-ana"),
            try server.me(cookie: "session_id=\(String(repeating: "0", count: 64))"),
            try server.request("POST", "/api/auth/logout", headers: [("Cookie", "session_id=\(String(repeating: "1", count: 64))")]),
        ] {
            let response = try #require(response)
            #expect(response.status == 503)
            #expect(response.headers["retry-after"] == "5")
        }
    }

    @Test func badRequests_badJSON_wrongShape_wrongType() throws {
        let (server, _) = try start()
        for body in ["{", "not json", "[]", #"{"login":"ana"}"#, #"{"login":1,"password":"x"}"#, ""] {
            #expect(try server.request("POST", "/api/auth/login", body: body)?.status == 400, "body: \(body)")
        }
        #expect(try server.request("POST", "/api/auth/login", body: #"{"login":"ana","password":"senha-ana"}"#,
                                   contentType: "text/plain")?.status == 415)
        let charset = try server.request(
            "POST", "/api/auth/login", body: #"{"login":"ana","password":"senha-ana"}"#,
            contentType: "Application/JSON; charset=utf-8")
        #expect(charset?.status == 200)
    }

    @Test func wrongMethods_are405WithAllow_unknownPaths404() throws {
        let (server, _) = try start()
        let getLogin = try #require(try server.request("GET", "/api/auth/login"))
        #expect(getLogin.status == 405)
        #expect(getLogin.headers["allow"] == "POST")
        #expect(try server.request("DELETE", "/api/auth/logout")?.headers["allow"] == "POST")
        let postMe = try #require(try server.request("POST", "/api/auth/me", body: "{}"))
        #expect(postMe.status == 405)
        #expect(postMe.headers["allow"] == "GET, HEAD")
        #expect(try server.request("GET", "/api/auth")?.status == 404)
        #expect(try server.request("GET", "/api/auth/other")?.status == 404)
        #expect(try server.request("GET", "/api/auth/me/")?.status == 404)
    }

    @Test func rateLimit_perLogin_429WithRetryAfter_successResets() throws {
        let (server, _) = try start(failureLimit: 3, addresses: ClientAddressPolicy(trustForwardedFor: true))
        // Different client addresses, same login: the per-login limit trips.
        for index in 0..<3 {
            #expect(try server.login("ana", "wrong", headers: [("X-Forwarded-For", "10.0.0.\(index)")])?.status == 401)
        }
        let limited = try #require(try server.login("ana", "senha-ana", headers: [("X-Forwarded-For", "10.0.0.9")]))
        #expect(limited.status == 429)
        let retry = try #require(Int(limited.headers["retry-after"] ?? ""))
        #expect(retry >= 1 && retry <= 60)
        // Another login is not affected.
        #expect(try server.login("bia", "senha-bia", headers: [("X-Forwarded-For", "10.0.0.8")])?.status == 200)
    }

    @Test func rateLimit_perAddress_acrossLogins() throws {
        let (server, _) = try start(failureLimit: 3, addresses: ClientAddressPolicy(trustForwardedFor: true))
        // The header's earlier elements are client-written: only the last hop counts.
        for index in 0..<3 {
            let spoofed = "1.2.3.\(index), 203.0.113.7"
            #expect(try server.login("user\(index)", "x", headers: [("X-Forwarded-For", spoofed)])?.status == 401)
        }
        let limited = try #require(try server.login("ana", "senha-ana", headers: [("X-Forwarded-For", "203.0.113.7")]))
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] != nil)
        #expect(try server.login("ana", "senha-ana", headers: [("X-Forwarded-For", "203.0.113.8")])?.status == 200)
    }

    @Test func rateLimit_ignoresForwardedFor_unlessTrusted() throws {
        let (server, _) = try start(failureLimit: 2)
        for index in 0..<2 {
            #expect(try server.login("u\(index)", "x", headers: [("X-Forwarded-For", "10.1.1.\(index)")])?.status == 401)
        }
        // Every request came from 127.0.0.1: the socket peer is the key.
        #expect(try server.login("ana", "senha-ana", headers: [("X-Forwarded-For", "10.1.1.99")])?.status == 429)
    }

    @Test func rateLimit_successfulLoginResetsTheLoginCount() throws {
        let (server, _) = try start(failureLimit: 3, addresses: ClientAddressPolicy(trustForwardedFor: true))
        for index in 0..<2 { _ = try server.login("ana", "wrong", headers: [("X-Forwarded-For", "10.2.0.\(index)")]) }
        #expect(try server.login("ana", "senha-ana", headers: [("X-Forwarded-For", "10.2.0.50")])?.status == 200)
        for index in 0..<2 { _ = try server.login("ana", "wrong", headers: [("X-Forwarded-For", "10.2.1.\(index)")]) }
        #expect(try server.login("ana", "senha-ana", headers: [("X-Forwarded-For", "10.2.0.51")])?.status == 200)
    }

    @Test func headMe_hasNoBody() throws {
        let (server, _) = try start()
        let id = try #require(cookieValue(try server.login("ana", "senha-ana")?.headers["set-cookie"]))
        let head = try #require(try server.request("HEAD", "/api/auth/me", headers: [("Cookie", "session_id=\(id)")]))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.raw.hasSuffix("\r\n\r\n"))
    }

    @Test func parallelGuesses_cannotOutrunTheLimit() throws {
        let (server, _) = try start(failureLimit: 3)
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            let status = (try? server.login("ana", "wrong"))??.status ?? 0
            statuses.withLock { $0.append(status) }
        }
        let all = statuses.withLock { $0 }
        #expect(all.filter { $0 == 401 }.count == 3)
        #expect(all.filter { $0 == 429 }.count == 9)
    }

    @Test func usersFileEdit_newUserLogsInWithoutRestart() throws {
        let (server, file) = try start()
        #expect(try server.login("carla", "senha-carla")?.status == 401)
        try file.write([("ana", "senha-ana"), ("carla", "senha-carla")])
        #expect(server.users.reloadIfChanged())
        #expect(try server.login("carla", "senha-carla")?.status == 200)
        #expect(try server.login("bia", "senha-bia")?.status == 401)  // removed from the file
    }
}
