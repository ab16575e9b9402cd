import PilotoConfig
import Testing

@testable import PilotoRuntime

/// What the WebSocket routes answer to a handshake, in-process (`RealtimeServer(listening: false)`:
/// the server's router, parser and serializer, no socket): origins, versions, malformed requests,
/// channel names and sessions. Over TCP: `WebSocketServerRealtimeTests`.
@Suite struct WebSocketRoutesTests {
    // MARK: Handshake refusals

    @Test func origin_mustBeTheServiceDomainOrListed() throws {
        let s = try RealtimeServer(listening: false)
        for (path, origin, status) in [
            ("/ws/echo", "https://app.example.com", 101),
            ("/ws/echo", "https://APP.example.com/", 101),
            ("/ws/echo", "https://evil.example", 403),
            ("/ws/echo", "http://app.example.com", 403),
            ("/ws/echo", "http://localhost:5173", 403),  // not in dev mode
            ("/ws/echo", "null", 403),
            ("/ws/small", "https://partner.example", 101),  // the route's origins:
            ("/ws/echo", "https://partner.example", 403),  // ...only on that route
        ] {
            let client = try s.client()
            #expect(client.handshake(path, origin: origin)?.status == status, "\(path) \(origin)")
        }
        let missing = try s.client()
        #expect(missing.handshake("/ws/echo", origin: nil)?.status == 403)
    }

    @Test func devMode_allowsLoopbackOrigins() throws {
        let s = try RealtimeServer(devMode: true, listening: false)
        for (origin, status) in [
            ("http://localhost:5173", 101), ("http://127.0.0.1:8080", 101), ("http://localhost.evil.example", 403),
        ] {
            let client = try s.client()
            #expect(client.handshake("/ws/echo", origin: origin)?.status == status, "\(origin)")
        }
    }

    @Test func badVersion_is426_withSupportedVersion() throws {
        let s = try RealtimeServer(listening: false)
        let client = try s.client()
        let response = try #require(client.handshake("/ws/echo", version: "8"))
        #expect(response.status == 426)
        #expect(response.headers["sec-websocket-version"] == "13")
    }

    @Test func malformedHandshakes_areRefused() throws {
        let s = try RealtimeServer(listening: false)
        let noKey = try s.client()
        #expect(noKey.handshake("/ws/echo", key: nil)?.status == 400)
        let shortKey = try s.client()
        #expect(shortKey.handshake("/ws/echo", key: "c2hvcnQ=")?.status == 400)
        // RFC 9110: a method the resource does not support is 405 with Allow.
        let post = try s.client()
        let response = try #require(post.handshake("/ws/echo", method: "POST"))
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "GET")
        // Plain GET without upgrade headers: 400.
        #expect(try s.get("/ws/echo")?.status == 400)
    }

    @Test func channelNames_areValidatedBeforeUpgrading() throws {
        let s = try RealtimeServer(listening: false)
        for (path, status) in [
            ("/ws/sales-BR_1.x", 101), ("/ws/" + String(repeating: "a", count: 64), 101),
            ("/ws/" + String(repeating: "a", count: 65), 400), ("/ws/caf%C3%A9", 400), ("/ws/a%20b", 400),
            ("/ws", 404), ("/ws/", 404), ("/ws/a/b", 404), ("/ws/echo/x", 404),
        ] {
            let client = try s.client()
            #expect(client.handshake(path)?.status == status, "\(path)")
        }
    }

    @Test func authRequired_noCookieOrUnknownSession_is401() throws {
        let s = try RealtimeServer(listening: false)
        let none = try s.client()
        #expect(none.handshake("/private/room")?.status == 401)
        let unknown = try s.client()
        #expect(unknown.handshake("/private/room", cookie: String(repeating: "ab", count: 32))?.status == 401)
        let malformed = try s.client()
        #expect(malformed.handshake("/private/room", cookie: "nope")?.status == 401)
        // The Origin check comes first: a hijacking page learns nothing about sessions.
        let evil = try s.client()
        #expect(evil.handshake("/private/room", origin: "https://evil.example", cookie: TestSessionStore.liveID)?.status == 403)
    }
}
