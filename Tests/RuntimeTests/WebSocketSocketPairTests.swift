import Glibc
import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// The pure layer over a real `socketpair(2)`: a tiny single-threaded driver carries out the state
/// machine's actions on one end, the test plays a browser on the other (handshake, then frames).
@Suite struct WebSocketSocketPairTests {
    /// A connected pair of non-blocking stream sockets, closed on deinit.
    private final class Pair {
        let client: Int32
        let server: Int32

        init() throws {
            var fds: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw PairError.failed(errno) }
            client = fds[0]
            server = fds[1]
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }

        deinit {
            close(client)
            close(server)
        }

        /// Writes everything (small payloads fit in the socket buffer).
        func write(_ fd: Int32, _ bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw PairError.failed(errno) }
                offset += n
            }
        }

        /// Reads whatever is available right now (empty when nothing is, or at EOF).
        func readAvailable(_ fd: Int32) -> [UInt8] {
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { return out }
                out += chunk[..<n]
            }
        }

        /// True when the peer of `fd` has closed (recv returns 0).
        func isClosedByPeer(_ fd: Int32) -> Bool {
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, Int32(MSG_PEEK)) == 0
        }
    }

    private enum PairError: Error { case failed(Int32) }

    /// Reads the server side, feeds the state machine, echoes messages, writes actions back.
    private func pump(_ pair: Pair, _ connection: inout WSConnection, now: WSTestInstant) throws -> Bool {
        let input = pair.readAvailable(pair.server)
        var closed = false
        var due = false
        var pending = connection.received(input, now: now)
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .write(let bytes):
                try pair.write(pair.server, bytes)
                connection.didWrite(bytes.count)
            // A synchronous echo handler: its reply goes out before the remaining actions.
            case .deliver(.text(let text)): pending.insert(contentsOf: connection.send(text: text, now: now), at: 0)
            case .deliver(.binary(let bytes)): pending.insert(contentsOf: connection.send(binary: bytes, now: now), at: 0)
            case .closeConnection: closed = true
            case .scheduleTimer(let at): due = due || at <= now
            }
            if pending.isEmpty && due {
                due = false
                pending = connection.tick(now: now)
            }
        }
        if closed { shutdown(pair.server, Int32(SHUT_RDWR)) }
        return closed
    }

    @Test func socketPair_handshakeEchoPingAndClose() throws {
        let pair = try Pair()
        // Handshake: the request head arrives as bytes; the HTTP layer would parse it into these parts.
        let policy = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com")
        let accepted = try WebSocketHandshake.accept(
            method: "GET", version: "HTTP/1.1",
            headers: [
                ("Host", "app.example.com"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
                ("Origin", "https://app.example.com"),
            ],
            origins: policy)
        // The 101 as WebSocketResponder builds it (RFC 6455 §4.2.2 step 5).
        let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(accepted.acceptValue)\r\n\r\n"
        try pair.write(pair.server, Array(response.utf8))
        let head = String(decoding: pair.readAvailable(pair.client), as: UTF8.self)
        #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))

        var connection = WSConnection(now: .zero)
        _ = connection.start()
        // A message split across two writes, a ping, and a fragmented binary message.
        let frames = WSClient.text("héllo") + WSClient.frame(.ping, [42])
            + WSClient.frame(.binary, [1, 2], fin: false) + WSClient.frame(.continuation, [3])
        try pair.write(pair.client, Array(frames.prefix(5)))
        #expect(try pump(pair, &connection, now: .zero) == false)
        try pair.write(pair.client, Array(frames.dropFirst(5)))
        #expect(try pump(pair, &connection, now: .zero) == false)
        var parser = WebSocketFrameParser(maxFrameSize: 1 << 20, expectMasked: false)
        parser.append(pair.readAvailable(pair.client))
        var received: [WebSocketFrame] = []
        while let frame = try parser.nextFrame() { received.append(frame) }
        #expect(received == [
            WebSocketFrame(opcode: .text, payload: Array("héllo".utf8)), WebSocketFrame(opcode: .pong, payload: [42]),
            WebSocketFrame(opcode: .binary, payload: [1, 2, 3]),
        ])

        // The client closes; the server echoes the code and closes TCP.
        try pair.write(pair.client, WSClient.close(1000, reason: Array("bye".utf8)))
        #expect(try pump(pair, &connection, now: .zero) == true)
        parser.append(pair.readAvailable(pair.client))
        #expect(try parser.nextFrame() == WebSocketFrame(opcode: .close, payload: [0x03, 0xE8]))
        #expect(pair.isClosedByPeer(pair.client))
    }

    @Test func socketPair_protocolErrorClosesWithCodeThenTCP() throws {
        let pair = try Pair()
        var connection = WSConnection(now: .zero)
        try pair.write(pair.client, [0x81, 0x02, 0x68, 0x69])  // unmasked client frame
        #expect(try pump(pair, &connection, now: .zero) == true)
        #expect(pair.readAvailable(pair.client) == [0x88, 0x02, 0x03, 0xEA])
        #expect(pair.isClosedByPeer(pair.client))
    }
}
