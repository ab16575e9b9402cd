import Testing
@testable import PilotoRuntime

/// Upstream bytes → response parser → header filter → client framing → client bytes, all pure:
/// what the client gets parses back to the same status and body, with piloto's framing only.
struct ProxyResponseWriterTests {
    typealias H = ResponseParserHarness

    /// Relays one upstream response the way the proxy does, feeding it in `pieces`.
    static func relay(_ upstream: String, clientVersion: HTTPVersion, pieces: Int = 7) throws -> [UInt8] {
        var parser = HTTPResponseParser()
        parser.expectResponse(toHead: false)
        var client: [UInt8] = []
        var framing = ClientFraming.none
        let bytes = H.bytes(upstream)
        var offset = 0
        var ended = false
        func emit(_ event: HTTPResponseEvent) -> ParseControl {
            switch event {
            case .head(let head):
                framing = ClientFraming.forClient(head.framing, clientVersion: clientVersion)
                client += ProxyResponseWriter.head(
                    status: head.status, reason: head.reason, fields: ProxyResponseHeaders.filter(head.headers), framing: framing,
                    close: !head.keepAlive && clientVersion == .http10, extraFieldLines: Array("X-Frame-Options: DENY\r\n".utf8))
            case .body(let view):
                if framing == .chunked { client += ChunkedEncoding.chunkHeader(view.count) }
                client += view
                if framing == .chunked { client += ChunkedEncoding.crlf }
            case .end:
                ended = true
                if framing == .chunked { client += ChunkedEncoding.lastChunk }
            }
            return .proceed
        }
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieces)
            _ = try parser.feed(Array(bytes[offset..<end]), emit: emit)
            offset = end
        }
        if !ended, try parser.finish() { _ = emit(.end) }
        return client
    }

    @Test func chunkedUpstream_toHTTP11Client_isRechunked_trailersAndHopByHopGone() throws {
        let upstream = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nKeep-Alive: timeout=5\r\n\r\n"
            + "7\r\ndata: 1\r\n8\r\n\ndata: 2\r\n0\r\nX-Trailer: t\r\n\r\n"
        let client = try Self.relay(upstream, clientVersion: .http11)
        let text = String(decoding: client, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nX-Frame-Options: DENY\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"))
        #expect(!text.contains("Keep-Alive") && !text.contains("X-Trailer"))
        let back = H.parse([client[...]])
        #expect(back.error == nil)
        #expect(back.body == H.bytes("data: 1\ndata: 2"))
        #expect(back.heads.map(\.framing) == [.chunked])
    }

    @Test func untilCloseUpstream_toHTTP10Client_closes() throws {
        let client = try Self.relay("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed until close", clientVersion: .http10)
        let text = String(decoding: client, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nConnection: close\r\n"))
        #expect(!text.contains("Transfer-Encoding"))
        let back = H.parse([client[...]])
        #expect(back.body == H.bytes("streamed until close") && back.events.last == .end)
    }

    @Test func lengthUpstream_keepsContentLength_andCLWithTEisDropped() throws {
        let plain = try Self.relay("HTTP/1.1 201 \r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok", clientVersion: .http11)
        #expect(String(decoding: plain, as: UTF8.self) == "HTTP/1.1 201 Status\r\nX-Frame-Options: DENY\r\nContent-Length: 2\r\n\r\nok")
        let both = try Self.relay(
            "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", clientVersion: .http11)
        let back = H.parse([both[...]])
        #expect(back.heads.first?.headers["Content-Length"] == nil)
        #expect(back.body == H.bytes("ok"))
    }

    @Test func clientFraming_table() {
        #expect(ClientFraming.forClient(.length(5), clientVersion: .http10) == .length(5))
        #expect(ClientFraming.forClient(.none, clientVersion: .http11) == ClientFraming.none)
        #expect(ClientFraming.forClient(.chunked, clientVersion: .http11) == .chunked)
        #expect(ClientFraming.forClient(.untilClose, clientVersion: .http11) == .chunked)
        #expect(ClientFraming.forClient(.chunked, clientVersion: .http10) == .close)
        #expect(ChunkedEncoding.chunkHeader(0x4000) == H.bytes("4000\r\n"))
        #expect(ChunkedEncoding.chunkHeader(1) == H.bytes("1\r\n"))
    }
}
