import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// The driver's timers on a real server, with the 30 s/5 s defaults shortened: keepalive pings,
/// the pong deadline, and the close-handshake timeout. They wait for the server's sweep (~100 ms);
/// nothing here asserts a duration.
@Suite struct WebSocketServerTimerTests {
    @Test func keepalive_pingsAnsweredKeepTheConnection_silenceCloses1001() throws {
        let s = try RealtimeServer { configuration in
            configuration.pingInterval = .milliseconds(200)
            configuration.pongTimeout = .milliseconds(400)
        }
        let client = try s.connect("/ws/echo")
        for _ in 0..<3 {
            let ping = try #require(client.nextFrame())
            #expect(ping.opcode == .ping)
            #expect(ping.payload.count == 8)  // a counter, so a stale pong cannot match
            client.send(WSClient.frame(.pong, ping.payload))
        }
        // Still open and echoing after three rounds.
        client.sendText("alive")
        var frame = client.nextFrame()
        while frame?.opcode == .ping { frame = client.nextFrame() }
        #expect(frame == WebSocketFrame(opcode: .text, payload: Array("alive".utf8)))
        // Now stop answering: the next ping goes unanswered, and the server gives up with 1001.
        var close: WebSocketFrame?
        while let next = client.nextFrame() {
            if next.opcode == .close {
                close = next
                break
            }
        }
        #expect(close?.payload.prefix(2) == [0x03, 0xE9])
        #expect(client.isClosedByServer())
    }

    @Test func closeHandshakeTimeout_dropsAPeerThatNeverAnswers() throws {
        let s = try RealtimeServer { configuration in configuration.closeTimeout = .milliseconds(300) }
        let client = try s.connect("/ws/echo")
        s.server.beginShutdown()
        #expect(client.nextClose().code == 1001)
        // No close frame back: the server drops TCP after its close timeout, and the drain completes.
        #expect(client.isClosedByServer())
        #expect(s.server.waitUntilStopped(timeoutMilliseconds: 5000))
    }
}
