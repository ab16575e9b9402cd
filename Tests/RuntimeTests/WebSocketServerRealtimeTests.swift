import Foundation
import Glibc
import PilotoConfig
import Testing

@testable import PilotoRuntime

/// The WebSocket routes of `piloto serve` end to end over TCP: sessions, channels, lifecycle. The
/// handshake's refusals are tested in-process (`WebSocketRoutesTests`).
@Suite struct WebSocketServerRealtimeTests {
    // MARK: Sessions

    @Test func authRequired_liveSession_upgradesAsItsLogin() throws {
        let s = try RealtimeServer()
        let client = try s.connect("/private/room", cookie: TestSessionStore.liveID)
        let hello = envelope(client.nextText())
        #expect(hello["type"] as? String == "hello")
        #expect((hello["members"] as? [[String: Any]])?.map { $0["user"] as? String } == ["vendedor"])
        client.sendText("olá")
        let message = envelope(client.nextText())
        #expect(message["from"] as? String == "vendedor")
        #expect(message["data"] as? String == "olá")
    }

    @Test func sessionStoreDown_is503_withRetryAfter() throws {
        let s = try RealtimeServer(sessions: TestSessionStore(down: true))
        let client = try WSRawClient(port: s.port)
        let response = try #require(client.handshake("/private/room", cookie: TestSessionStore.liveID))
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "5")
        // Routes without auth do not depend on the store.
        #expect(try s.connect("/ws/room").nextText() != nil)
    }

    // MARK: Channels

    @Test func channel_helloFirst_thenBroadcastToEveryMember_senderIncluded() throws {
        let s = try RealtimeServer()
        let a = try s.connect("/ws/room")
        var e = envelope(a.nextText())
        #expect(e["type"] as? String == "hello")
        #expect(e["channel"] as? String == "room")
        #expect(e["offset"] as? Int == 0)
        #expect(e["recovered"] as? Bool == false && e["missed"] as? Int == 0 && e["reason"] == nil)
        let epoch = try #require(e["epoch"] as? String)
        #expect(epoch.count == 16)
        let members = try #require(e["members"] as? [[String: Any]])
        #expect(members.map { $0["user"] as? String } == ["anonymous"])
        #expect((members.first?["since"] as? String)?.hasSuffix("Z") == true)
        let b = try s.connect("/ws/room")
        let c = try s.connect("/ws/room")
        for client in [b, c] { #expect(envelope(client.nextText())["type"] as? String == "hello") }
        let other = try s.connect("/ws/elsewhere")
        let otherHello = envelope(other.nextText())
        #expect(otherHello["epoch"] as? String != epoch)  // one random epoch per channel

        a.sendText("{\"quoted\": \"json\"}\n")
        for client in [a, b, c] {
            // Connections of the same user (anonymous) are one member: no join between them.
            e = envelope(client.nextText())
            #expect(e["type"] as? String == "message")
            #expect(e["channel"] as? String == "room")
            #expect(e["from"] as? String == "anonymous")
            #expect(e["offset"] as? Int == 1)
            #expect(e["epoch"] as? String == epoch)
            #expect(e["data"] as? String == "{\"quoted\": \"json\"}\n")
            let at = try #require(e["at"] as? String)
            #expect(at.count == 24 && at.hasSuffix("Z"))  // 2026-11-29T09:30:00.123Z
        }
        // The other channel heard none of it: its next frame is its own message.
        other.sendText("solo")
        e = envelope(other.nextText())
        #expect(e["data"] as? String == "solo" && e["offset"] as? Int == 1)
    }

    @Test func presence_joinAndLeave_perUser() throws {
        let cliente = String(repeating: "c1", count: 32)
        let s = try RealtimeServer(sessions: TestSessionStore([TestSessionStore.liveID: "vendedor", cliente: "cliente"]))
        let seller = try s.connect("/private/desk", cookie: TestSessionStore.liveID)
        _ = seller.nextText()
        let customer = try s.connect("/private/desk", cookie: cliente)
        let hello = envelope(customer.nextText())
        // Ordered by `since`, then user: two joins in the same millisecond come out by name, so
        // only the set is fixed here (the order itself is RedisPresence/MemoryPresence's tests').
        #expect(Set((hello["members"] as? [[String: Any]])?.compactMap { $0["user"] as? String } ?? []) == ["vendedor", "cliente"])
        var e = envelope(seller.nextText())
        #expect(e["type"] as? String == "join" && e["user"] as? String == "cliente" && e["members"] as? Int == 2)
        customer.send(WSClient.close(1000))
        #expect(customer.nextClose().code == 1000)
        e = envelope(seller.nextText())
        #expect(e["type"] as? String == "leave" && e["user"] as? String == "cliente" && e["members"] as? Int == 1)
    }

    @Test func channel_binaryMessage_isClosed1003() throws {
        let s = try RealtimeServer()
        let a = try s.connect("/ws/bin")
        _ = a.nextText()
        a.send(WSClient.frame(.binary, [1, 2, 3]))
        #expect(a.nextClose().code == 1003)
    }

    // MARK: Lifecycle

    @Test func drain_sendsGoingAway1001_andCompletes() throws {
        let s = try RealtimeServer()
        let echo = try s.connect("/ws/echo")
        let member = try s.connect("/ws/drain")
        _ = member.nextText()
        s.server.beginShutdown()
        #expect(echo.nextClose().code == 1001)
        #expect(member.nextClose().code == 1001)
        echo.send(WSClient.close(1001))
        member.send(WSClient.close(1001))
        #expect(echo.isClosedByServer())
        #expect(member.isClosedByServer())
        #expect(s.server.waitUntilStopped(timeoutMilliseconds: 5000))
    }

    /// Cloud Run cuts a request at `scaling.request_timeout`; the server closes first with 1001
    /// (here: a 2 s timeout leaves a 1 s lifetime), so clients see a clean close and reconnect.
    @Test func lifetime_closes1001_beforeRequestTimeout() throws {
        let s = try RealtimeServer(requestTimeout: .seconds(2))
        let client = try s.connect("/ws/echo")
        let close = client.nextClose()
        #expect(close.isClose && close.code == 1001)
    }

    @Test func metrics_countOpenAndClosedSessions() throws {
        let s = try RealtimeServer()
        let gauge = s.server.router.metrics.webSockets
        let client = try s.connect("/ws/echo")
        client.sendText("x")
        _ = client.nextFrame()
        #expect(gauge.snapshot().active == 1)
        client.send(WSClient.close(1000))
        _ = client.nextFrame()
        #expect(client.isClosedByServer())
        // The loop releases the session after it closed the socket; once the server has stopped
        // (its loops joined), every release has happened.
        s.server.beginShutdown()
        #expect(s.server.waitUntilStopped(timeoutMilliseconds: 5000))
        let snapshot = gauge.snapshot()
        #expect(snapshot.active == 0)
        #expect(snapshot.finished == 1)
    }

    /// A member that stops reading is closed once 1 MiB is queued for it; the others keep
    /// receiving every message.
    @Test func slowReader_isClosed_othersUnaffected() throws {
        let s = try RealtimeServer()
        let slow = try WSRawClient(port: s.port, receiveBuffer: 4096)
        #expect(slow.handshake("/ws/flood")?.status == 101)
        let fast = try s.connect("/ws/flood")
        _ = fast.nextText()  // its own join
        let chunk = String(repeating: "x", count: 32 * 1024)
        var received = 0
        for index in 0..<400 {
            fast.sendText("\(index) \(chunk)")
            // The fast member reads everything: its own messages and the slow one's leave.
            while let text = fast.nextText() {
                let e = envelope(text)
                if e["type"] as? String == "message" {
                    received += 1
                    break
                }
            }
        }
        #expect(received == 400)
        #expect(slow.isClosedByServer())
        #expect(s.server.router.metrics.webSockets.snapshot().finished >= 1)
    }
}
