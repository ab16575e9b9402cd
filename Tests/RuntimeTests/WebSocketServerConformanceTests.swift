import Foundation
import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// RFC 6455 through the server's `/ws/echo` route, covering what Autobahn|Testsuite groups 1–10
/// cover: every case writes client frames as bytes and checks the exact frames the server answers,
/// then whether the connection ended. Several cases are fed both whole and one byte per `send`.
/// Most run in-process (`RealtimeServer(listening: false)`: the handshake through the router, the
/// frames into the upgraded session as the loop feeds them); over a real socket stay the cases
/// where TCP is the point: small reads byte by byte, 1 MiB, a pipelined flood past the output
/// high-water mark, and a frame in the same packet as the handshake.
@Suite struct WebSocketServerConformanceTests {
    private func server(_ opcode: WebSocketOpcode, _ payload: [UInt8] = []) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, payload: payload)
    }

    private func closeFrame(_ code: UInt16) -> WebSocketFrame {
        server(.close, [UInt8(code >> 8), UInt8(code & 0xFF)])
    }

    /// Opens `/ws/echo` (or `path`), sends `bytes` (whole or byte by byte), returns the client.
    private func open(
        _ s: RealtimeServer, _ bytes: [UInt8], byteByByte: Bool = false, path: String = "/ws/echo"
    ) throws -> any WebSocketTestClient {
        let client = try s.connect(path)
        if byteByByte { client.sendByteByByte(bytes) } else { client.send(bytes) }
        return client
    }

    /// Expects a close frame with `code` and then the end of TCP.
    private func expectFailure(
        _ client: any WebSocketTestClient, _ code: UInt16, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(client.nextFrame() == closeFrame(code), sourceLocation: sourceLocation)
        #expect(client.isClosedByServer(), sourceLocation: sourceLocation)
    }

    // MARK: 1 Framing: payload lengths on both sides of every length encoding

    @Test(arguments: [0, 125, 126, 65535, 65536])
    func textAndBinary_ofLength_areEchoed(length: Int) throws {
        let s = try RealtimeServer(listening: false)
        let text = String(repeating: "*", count: length)
        let binary = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let client = try open(s, WSClient.text(text) + WSClient.frame(.binary, binary))
        #expect(client.nextFrame() == server(.text, Array(text.utf8)))
        #expect(client.nextFrame() == server(.binary, binary))
    }

    @Test func lengths_byteByByte_areEchoed() throws {
        let s = try RealtimeServer()
        for length in [0, 125, 126] {
            let payload = [UInt8](repeating: 0x41, count: length)
            let client = try open(s, WSClient.frame(.binary, payload), byteByByte: true)
            #expect(client.nextFrame() == server(.binary, payload))
        }
    }

    /// `max_message` 1 MiB: exactly 1 MiB passes (fragmented and whole); one byte more is 1009.
    @Test func oneMebibyte_passes_oneMore_is1009() throws {
        let s = try RealtimeServer()
        let limit = 1 << 20
        let payload = [UInt8](repeating: 0x5A, count: limit)
        let client = try open(
            s, WSClient.frame(.binary, Array(payload[..<(limit / 2)]), fin: false)
                + WSClient.frame(.continuation, Array(payload[(limit / 2)...])))
        #expect(client.nextFrame() == server(.binary, payload))
        client.send(WSClient.frame(.binary, payload))
        #expect(client.nextFrame() == server(.binary, payload))
        client.send(WSClient.frame(.binary, payload + [0]))
        expectFailure(client, 1009)
    }

    /// The message limit also holds across fragments (1 KiB route): 1009 before the whole arrives.
    @Test func fragmentsOverMaxMessage_are1009() throws {
        let s = try RealtimeServer(listening: false)
        let part = [UInt8](repeating: 0x61, count: 600)
        let client = try open(s, WSClient.frame(.text, part, fin: false) + WSClient.frame(.continuation, part), path: "/ws/small")
        expectFailure(client, 1009)
    }

    /// RFC 6455 §5.1: a client frame must be masked; an unmasked one fails the connection with 1002.
    @Test func unmaskedClientFrame_is1002() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WebSocketFrameEncoder.encode(opcode: .text, payload: Array("hi".utf8)))
        expectFailure(client, 1002)
    }

    // MARK: 2 Pings and pongs

    @Test func ping_isAnsweredWithSamePayload_upTo125() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.ping) + WSClient.frame(.ping, Array("Hello, world!".utf8)))
        #expect(client.nextFrame() == server(.pong))
        #expect(client.nextFrame() == server(.pong, Array("Hello, world!".utf8)))
        let max = [UInt8](repeating: 0xFE, count: 125)
        client.sendByteByByte(WSClient.frame(.ping, max))
        #expect(client.nextFrame() == server(.pong, max))
        client.send(WSClient.frame(.pong, Array("unsolicited".utf8)) + WSClient.frame(.ping, [7]))  // pong ignored
        #expect(client.nextFrame() == server(.pong, [7]))
    }

    @Test func pingOf126Bytes_is1002() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.ping, [UInt8](repeating: 1, count: 126)))
        expectFailure(client, 1002)
    }

    /// RFC 6455 §5.5: control frames must not be fragmented.
    @Test func fragmentedPing_is1002() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.ping, [1], fin: false))
        expectFailure(client, 1002)
    }

    // MARK: 3 Reserved bits, 4 opcodes

    @Test(arguments: [UInt8(1), 2, 4, 7])
    func reservedBits_are1002_afterEarlierMessage(rsv: UInt8) throws {
        let s = try RealtimeServer(listening: false)
        var bad = WSClient.text("Hello")
        bad[0] |= rsv << 4
        let client = try open(s, WSClient.text("small") + bad)
        #expect(client.nextFrame() == server(.text, Array("small".utf8)))
        expectFailure(client, 1002)
    }

    @Test(arguments: [UInt8(3), 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF])
    func reservedOpcodes_are1002(opcode: UInt8) throws {
        let s = try RealtimeServer(listening: false)
        var frame = WSClient.frame(.binary, [1, 2, 3])
        frame[0] = 0x80 | opcode
        let client = try open(s, frame, byteByByte: opcode == 0xF)
        expectFailure(client, 1002)
    }

    // MARK: 5 Fragmentation

    @Test func fragments_withInterleavedPings_areJoined() throws {
        let s = try RealtimeServer(listening: false)
        let bytes = WSClient.frame(.text, Array("frag".utf8), fin: false) + WSClient.frame(.ping, Array("p1".utf8))
            + WSClient.frame(.continuation, Array("men".utf8), fin: false) + WSClient.frame(.ping, Array("p2".utf8))
            + WSClient.frame(.continuation, Array("ted".utf8))
        for byteByByte in [false, true] {
            let client = try open(s, bytes, byteByByte: byteByByte)
            #expect(client.nextFrame() == server(.pong, Array("p1".utf8)))
            #expect(client.nextFrame() == server(.pong, Array("p2".utf8)))
            #expect(client.nextFrame() == server(.text, Array("fragmented".utf8)))
        }
    }

    @Test func continuationWithoutStart_is1002() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.continuation, Array("x".utf8)))
        expectFailure(client, 1002)
    }

    @Test func newMessageInsideFragmentedOne_is1002() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.text, [0x61], fin: false) + WSClient.text("b"))
        expectFailure(client, 1002)
    }

    // MARK: 6 UTF-8

    @Test func validUTF8_splitInsideCodePointAcrossFragments_isEchoed() throws {
        let s = try RealtimeServer(listening: false)
        let text = Array("κόσμε 🚀".utf8)
        for cut in [1, 2, 8, 9, 10] {
            let client = try open(
                s, WSClient.frame(.text, Array(text[..<cut]), fin: false) + WSClient.frame(.continuation, Array(text[cut...])),
                byteByByte: cut == 9)
            #expect(client.nextFrame() == server(.text, text))
        }
    }

    @Test(arguments: [[UInt8(0xC0), 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xCE, 0xBA, 0xFF]])
    func invalidUTF8_is1007(bytes: [UInt8]) throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.text, bytes))
        expectFailure(client, 1007)
    }

    /// Autobahn 6.4: the server fails fast, on the first fragment that cannot be valid.
    @Test func invalidUTF8_inFirstFragment_is1007_beforeTheEnd() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.text, Array("κόσμε".utf8) + [0xF4, 0x90], fin: false))
        expectFailure(client, 1007)
    }

    @Test func invalidUTF8_acrossFragmentBoundary_is1007() throws {
        let s = try RealtimeServer(listening: false)
        // 0xE2 0x82 starts "€" (E2 82 AC); the continuation breaks it.
        let client = try open(s, WSClient.frame(.text, [0x61, 0xE2, 0x82], fin: false) + WSClient.frame(.continuation, [0x28]))
        expectFailure(client, 1007)
    }

    // MARK: 7 Close handshake and codes

    @Test(arguments: [UInt16(1000), 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999])
    func validCloseCode_isEchoed_thenConnectionCloses(code: UInt16) throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.close(code, reason: Array("bye".utf8)))
        #expect(client.nextFrame() == closeFrame(code))
        #expect(client.isClosedByServer())
    }

    @Test(arguments: [UInt16(0), 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])
    func invalidCloseCode_is1002(code: UInt16) throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.close(code))
        expectFailure(client, 1002)
    }

    @Test func emptyClose_isAnsweredWithEmptyClose() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.close(nil), byteByByte: true)
        #expect(client.nextFrame() == server(.close))
        #expect(client.isClosedByServer())
    }

    @Test func closeWithOneBytePayload_is1002() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.frame(.close, [0x03]))
        expectFailure(client, 1002)
    }

    @Test func closeReasonNotUTF8_is1007() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.close(1000, reason: [0xCE, 0xBA, 0xFF]))
        expectFailure(client, 1007)
    }

    /// Messages before a close in the same packet are answered before the close (Autobahn 7.1.x).
    @Test func messageThenClose_inOnePacket_replyPrecedesClose() throws {
        let s = try RealtimeServer(listening: false)
        let client = try open(s, WSClient.text("last words") + WSClient.close(1000) + WSClient.text("ignored"))
        #expect(client.nextFrame() == server(.text, Array("last words".utf8)))
        #expect(client.nextFrame() == closeFrame(1000))
        #expect(client.isClosedByServer())
    }

    /// Autobahn 9.x in spirit: 4 MiB of pipelined messages, far more than the output high-water mark.
    /// The server pauses reading instead of buffering (and never mistakes a fast client for a slow
    /// one); every echo arrives, in order.
    @Test func pipelinedFlood_isEchoedInOrder_withoutBackPressureClose() throws {
        let s = try RealtimeServer()
        let client = try #require(try s.connect("/ws/echo") as? WSRawClient)
        let count = 2048
        let body = String(repeating: "m", count: 2040)
        var bytes: [UInt8] = []
        for index in 0..<count { bytes += WSClient.text(String(format: "%06d", index) + body) }
        let raw = client.raw
        let flood = bytes
        let sender = Thread { raw.send(flood) }
        sender.start()
        var inOrder = 0
        for index in 0..<count {
            guard let frame = client.nextFrame() else { break }
            if frame.opcode == .text, Array(frame.payload.prefix(6)) == Array(String(format: "%06d", index).utf8) {
                inOrder += 1
            }
        }
        #expect(inOrder == count)
    }

    /// Bytes sent in the same packet as the handshake are not lost.
    @Test func frameBehindHandshake_isEchoed() throws {
        let s = try RealtimeServer()
        let client = try WSRawClient(port: s.port)
        var request = "GET /ws/echo HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: \(RealtimeServer.origin)\r\n\r\n"
        client.send(Array(request.utf8) + WSClient.text("early"))
        let head = try #require(client.raw.readResponse(head: true))
        #expect(head.status == 101)
        // RFC 6455 §1.3 sample: key "dGhlIHNhbXBsZSBub25jZQ==" → "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
        #expect(head.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(head.headers["upgrade"] == "websocket")
        #expect(client.nextFrame() == server(.text, Array("early".utf8)))
    }
}
