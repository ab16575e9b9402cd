@testable import PilotoConfig
import Testing

@testable import PilotoRuntime

/// The connection state machine: close handshake, ping/pong, timers (fake clock), back-pressure.
@Suite struct WebSocketConnectionTests {
    private let t0 = WSTestInstant.zero

    private func open(_ configure: (inout WebSocketConfiguration) -> Void = { _ in }) -> WSConnection {
        var configuration = WebSocketConfiguration()
        configure(&configuration)
        return WSConnection(configuration: configuration, now: t0)
    }

    /// Actions other than timers, for comparisons that do not care about scheduling.
    private func io(_ actions: [WSConnection.Action]) -> [WSConnection.Action] {
        actions.filter { if case .scheduleTimer = $0 { false } else { true } }
    }

    private func closeBytes(_ code: UInt16) -> [UInt8] { [0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)] }

    @Test func start_schedulesFirstPing() {
        var connection = open()
        #expect(connection.start() == [.scheduleTimer(at: .seconds(30))])
        #expect(connection.start() == [])  // already scheduled
    }

    @Test func received_textAndBinary_areDelivered() {
        var connection = open()
        let actions = connection.received(WSClient.text("hi") + WSClient.frame(.binary, [1, 2, 3]), now: t0)
        #expect(io(actions) == [.deliver(.text("hi")), .deliver(.binary([1, 2, 3]))])
    }

    @Test func ping_isAnsweredWithPongEchoingPayload() {
        var connection = open()
        let actions = connection.received(WSClient.frame(.ping, Array("Hello".utf8)), now: t0)
        #expect(io(actions) == [.write([0x8A, 0x05] + Array("Hello".utf8))])
    }

    @Test func unsolicitedPong_isIgnored() {
        var connection = open()
        #expect(io(connection.received(WSClient.frame(.pong, [1, 2]), now: t0)) == [])
        #expect(connection.state == .open)
    }

    @Test func fragmentsWithInterleavedPing_pongFirstThenMessage() {
        var connection = open()
        let bytes = WSClient.text("Hel", fin: false) + WSClient.frame(.ping, [9]) + WSClient.frame(.continuation, Array("lo".utf8))
        #expect(io(connection.received(bytes, now: t0)) == [.write([0x8A, 0x01, 9]), .deliver(.text("Hello"))])
    }

    /// The same conversation gives the same actions whatever way TCP splits it.
    @Test func received_anySplit_sameActions() {
        let bytes = WSClient.text("añ€", fin: false) + WSClient.frame(.ping, [7]) + WSClient.frame(.continuation, Array("😀".utf8))
            + WSClient.frame(.binary, [UInt8](repeating: 5, count: 300)) + WSClient.close(1000, reason: Array("bye".utf8))
        let expected: [WSConnection.Action] = [
            .write([0x8A, 0x01, 7]), .deliver(.text("añ€😀")), .deliver(.binary([UInt8](repeating: 5, count: 300))),
            .write(closeBytes(1000)), .closeConnection,
        ]
        for chunks in WSClient.splits(bytes) {
            var connection = open()
            #expect(connection.drive(chunks) == expected)
        }
    }

    // MARK: Close handshake

    /// RFC 6455 §7.4: codes allowed on the wire are echoed; all others fail with 1002.
    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func peerClose_validCode_isEchoedThenClosed(code: UInt16) {
        var connection = open()
        let actions = connection.received(WSClient.close(code, reason: Array("done".utf8)), now: t0)
        #expect(actions == [.write(closeBytes(code)), .closeConnection])
        #expect(connection.state == .closed)
        #expect(connection.closeCode == WebSocketCloseCode(code))
    }

    @Test(arguments: [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func peerClose_invalidCode_isProtocolError(code: UInt16) {
        var connection = open()
        #expect(connection.received(WSClient.close(code), now: t0) == [.write(closeBytes(1002)), .closeConnection])
    }

    @Test func peerClose_empty_isEchoedEmpty() {
        var connection = open()
        #expect(connection.received(WSClient.close(nil), now: t0) == [.write([0x88, 0x00]), .closeConnection])
        #expect(connection.closeCode == .noStatusReceived)
    }

    @Test func peerClose_oneBytePayload_isProtocolError() {
        var connection = open()
        #expect(connection.received(WSClient.frame(.close, [0x03]), now: t0) == [.write(closeBytes(1002)), .closeConnection])
    }

    @Test func peerClose_invalidUTF8Reason_isInvalidPayload() {
        var connection = open()
        let actions = connection.received(WSClient.close(1000, reason: [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80]), now: t0)
        #expect(actions == [.write(closeBytes(1007)), .closeConnection])
    }

    @Test func afterClose_everythingIsIgnored() {
        var connection = open()
        _ = connection.received(WSClient.close(1000), now: t0)
        #expect(connection.received(WSClient.text("late"), now: t0) == [])
        #expect(connection.send(text: "x", now: t0) == [])
        #expect(connection.tick(now: .seconds(1000)) == [])
        #expect(connection.close(now: t0) == [])
        #expect(connection.inputClosed() == [])
    }

    @Test func serverClose_waitsForPeerClose() {
        var connection = open()
        let actions = connection.close(code: .normalClosure, reason: "bye", now: .seconds(1))
        #expect(actions == [.write([0x88, 0x05, 0x03, 0xE8] + Array("bye".utf8)), .scheduleTimer(at: .seconds(6))])
        #expect(connection.state == .closing)
        // Data after our close is not delivered; pings are not answered.
        #expect(io(connection.received(WSClient.text("late") + WSClient.frame(.ping), now: .seconds(2))) == [])
        // The peer's close completes the handshake: no second close frame.
        #expect(io(connection.received(WSClient.close(1000), now: .seconds(2))) == [.closeConnection])
    }

    @Test func serverClose_timeoutDropsConnection() {
        var connection = open()
        _ = connection.close(now: .seconds(1))
        #expect(connection.tick(now: .seconds(5)) == [])
        #expect(connection.tick(now: .seconds(6)) == [.closeConnection])
        #expect(connection.state == .closed)
    }

    @Test func serverClose_invalidCodeBecomesNormal() {
        var connection = open()
        #expect(io(connection.close(code: .abnormalClosure, now: t0)) == [.write(closeBytes(1000))])
    }

    @Test func goingAway_sends1001() {
        var connection = open()
        let actions = connection.goingAway(now: t0)
        #expect(io(actions) == [.write(WebSocketFrameEncoder.closeFrame(code: .goingAway, reason: "server shutting down"))])
        #expect(connection.closeCode == .goingAway)
    }

    @Test func inputClosed_isAbnormalClosure() {
        var connection = open()
        #expect(connection.inputClosed() == [.closeConnection])
        #expect(connection.closeCode == .abnormalClosure)
    }

    // MARK: Protocol errors: exact bytes

    /// As NIO's decoder test: a header claiming 16385 bytes over a 16384 limit → exactly close 1009.
    @Test func oversizedFrame_closesWith1009ExactBytes() {
        var connection = open { $0.maxFrameSize = 16384 }
        let actions = connection.received([0x82, 0xFE, 0x40, 0x01], now: t0)
        #expect(actions == [.write([0x88, 0x02, 0x03, 0xF1]), .closeConnection])
    }

    @Test func unmaskedFrame_closesWith1002() {
        var connection = open()
        #expect(connection.received([0x81, 0x02, 0x68, 0x69], now: t0) == [.write([0x88, 0x02, 0x03, 0xEA]), .closeConnection])
    }

    @Test func reservedBits_closesWith1002() {
        var connection = open()
        var frame = WSClient.text("x")
        frame[0] |= 0x40
        #expect(connection.received(frame, now: t0) == [.write(closeBytes(1002)), .closeConnection])
    }

    @Test func invalidUTF8Text_closesWith1007() {
        var connection = open()
        #expect(connection.received(WSClient.frame(.text, [0xC0, 0xAF]), now: t0) == [.write(closeBytes(1007)), .closeConnection])
    }

    @Test func messageTooBigAfterJoining_closesWith1009() {
        var connection = open { $0.maxMessageSize = 10 }
        let bytes = WSClient.frame(.binary, [UInt8](repeating: 1, count: 6), fin: false)
            + WSClient.frame(.continuation, [UInt8](repeating: 1, count: 6))
        #expect(connection.received(bytes, now: t0) == [.write(closeBytes(1009)), .closeConnection])
    }

    /// Messages before an error in the same read are delivered, and the close waits for the tick at
    /// "now", so replies to those messages go out before it.
    @Test func messagesBeforeAnError_areDelivered_closeAfterReplies() {
        var connection = open()
        let actions = connection.received(WSClient.text("first") + [0x81, 0x00], now: t0)
        #expect(actions == [.deliver(.text("first")), .scheduleTimer(at: t0)])
        #expect(connection.state == .draining)
        #expect(connection.received(WSClient.text("ignored"), now: t0) == [])
        #expect(connection.send(text: "reply", now: t0) == [.write([0x81, 0x05] + Array("reply".utf8))])
        #expect(connection.tick(now: t0) == [.write(closeBytes(1002)), .closeConnection])
        #expect(connection.state == .closed)
    }

    @Test func peerCloseAfterMessageInSameRead_echoGoesBeforeClose() {
        var connection = open()
        let actions = connection.drive([WSClient.text("hi") + WSClient.close(1000)], echo: true)
        #expect(actions == [.deliver(.text("hi")), .write([0x81, 0x02, 0x68, 0x69]), .write(closeBytes(1000)), .closeConnection])
    }

    @Test func draining_closeCallFinishesAtOnce() {
        var connection = open()
        _ = connection.received(WSClient.text("a") + WSClient.close(1001), now: t0)
        #expect(connection.close(now: t0) == [.write(closeBytes(1001)), .closeConnection])
    }

    // MARK: Keepalive and lifetime (fake clock, no sleeping)

    @Test func keepalive_pingThenPong_keepsConnection() throws {
        var connection = open()
        _ = connection.start()
        let first = connection.tick(now: .seconds(30))
        let ping = try #require(first.first?.written)
        #expect(ping.count == 10 && ping[0] == 0x89 && ping[1] == 8)
        #expect(first.last == .scheduleTimer(at: .seconds(60)))
        // The pong echoes the ping's payload.
        _ = connection.received(WSClient.frame(.pong, Array(ping[2...])), now: .seconds(31))
        let second = connection.tick(now: .seconds(60))
        #expect(second.first?.written?.first == 0x89)
        #expect(connection.state == .open)
    }

    @Test func keepalive_noPongNoTraffic_closes1001AndDrops() {
        var connection = open()
        _ = connection.start()
        _ = connection.tick(now: .seconds(30))
        #expect(connection.tick(now: .seconds(59)) == [])
        let actions = connection.tick(now: .seconds(60))
        #expect(actions == [.write(WebSocketFrameEncoder.closeFrame(code: .goingAway, reason: "ping timeout")), .closeConnection])
        #expect(connection.state == .closed)
    }

    @Test func keepalive_anyTrafficCountsAsLife() {
        var connection = open()
        _ = connection.tick(now: .seconds(30))
        _ = connection.received(WSClient.text("still here"), now: .seconds(45))
        let actions = connection.tick(now: .seconds(60))
        #expect(actions.first?.written?.first == 0x89)  // a new ping, not a close
        #expect(connection.state == .open)
    }

    @Test func keepalive_disabled_schedulesNothing() {
        var connection = open { $0.pingInterval = nil }
        #expect(connection.start() == [])
        #expect(connection.tick(now: .seconds(10_000)) == [])
    }

    @Test func lifetime_sends1001ThenWaitsForClose() {
        var connection = open { $0.maxLifetime = .seconds(100); $0.pingInterval = nil }
        #expect(connection.start() == [.scheduleTimer(at: .seconds(100))])
        let actions = connection.tick(now: .seconds(100))
        #expect(actions == [
            .write(WebSocketFrameEncoder.closeFrame(code: .goingAway, reason: "connection lifetime reached")),
            .scheduleTimer(at: .seconds(105)),
        ])
        #expect(connection.tick(now: .seconds(105)) == [.closeConnection])
    }

    @Test func configuration_fromRoute_usesMaxMessageAndRequestTimeout() {
        let route = WebSocketRoute(mode: .channels, maxMessage: .kibibytes(64), origins: [])
        let configuration = WebSocketConfiguration(route: route, requestTimeout: .seconds(300))
        #expect(configuration.maxMessageSize == 65536)
        #expect(configuration.maxFrameSize == 65536)
        #expect(configuration.maxLifetime == .seconds(295))
        #expect(WebSocketConfiguration(route: route, requestTimeout: .seconds(6)).maxLifetime == .seconds(3))
    }

    // MARK: Back-pressure

    @Test func backPressure_overHighWaterMark_dropsAndCloses1008() {
        var connection = open { $0.highWaterMark = 100 }
        let payload = [UInt8](repeating: 1, count: 60)
        #expect(connection.send(binary: payload, now: t0) == [.write(WebSocketFrameEncoder.encode(opcode: .binary, payload: payload))])
        #expect(connection.queuedBytes == 62)
        let actions = connection.send(binary: payload, now: t0)
        #expect(io(actions) == [.write(WebSocketFrameEncoder.closeFrame(code: .policyViolation, reason: "client too slow"))])
        #expect(connection.state == .closing)
        #expect(connection.send(text: "more", now: t0) == [])
    }

    @Test func backPressure_drainedQueue_acceptsMore() {
        var connection = open { $0.highWaterMark = 100 }
        let payload = [UInt8](repeating: 1, count: 60)
        _ = connection.send(binary: payload, now: t0)
        connection.didWrite(62)
        #expect(connection.queuedBytes == 0)
        #expect(io(connection.send(binary: payload, now: t0)).count == 1)
        #expect(connection.state == .open)
    }

    @Test func backPressure_singleLargeMessageOnEmptyQueue_isSent() {
        var connection = open { $0.highWaterMark = 10 }
        #expect(connection.send(text: String(repeating: "x", count: 50), now: t0).count == 1)
        #expect(connection.state == .open)
    }
}

extension WSTestInstant: ExpressibleByIntegerLiteral {
    init(integerLiteral value: Int64) { self = .seconds(value) }
}
