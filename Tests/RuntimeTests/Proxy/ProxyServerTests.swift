import Foundation
import Glibc
@testable import PilotoConfig
import Synchronization
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// A server whose `/api/clientes` route proxies to `upstream`, plus the usual site routes.
final class ProxyFixture {
    let site: SiteFixture
    let server: Server
    let port: Int
    let logs = CapturingSink()

    init(
        upstreamPort: Int, route configure: (inout ProxyRoute) -> Void = { _ in }, limits: ServerLimits = .fixture(),
        sessions: (any SessionStore)? = nil, identityKey: String? = nil, trustedHops: Int = 0, workers: Int = 1,
        authRequired: Bool = false
    ) throws {
        site = try SiteFixture()
        var proxy = ProxyRoute(upstream: "http://127.0.0.1:\(upstreamPort)", hold: .milliseconds(400))
        configure(&proxy)
        var routes = site.routes()
        routes.insert(Route(path: "/api/clientes", handler: .proxy(proxy), authRequired: authRequired), at: 0)
        var config = PilotoConfig.fixture(routes: routes, limits: limits, workers: workers)
        config.server.trustedHops = trustedHops
        config.sessions.identityKey = identityKey
        server = try Server(
            config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: logs),
            makeResponders: { link in ApplicationResponders(proxy: ProxyResponders.make(link: link, sessions: sessions, devMode: false).responder) })
        try server.start()
        port = server.boundPort ?? 0
    }

    deinit { server.stopForTest(closingLogger: true) }

    func client() throws -> RawClient { try RawClient(port: port) }
}

extension TimeSpan {
    static func milliseconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value) }
}

@Suite("Proxy: re-framing, hygiene and keep-alive against a raw recorder upstream")
struct ProxyReframingTests {
    @Test("a chunked request with hop-by-hop and spoofed headers reaches the upstream re-framed and clean")
    func reframedAndCleaned() throws {
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send(
            "POST /api/clientes/7/notas?x=1 HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://app.example.com\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: drop-me\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\nX-Real-IP: 6.6.6.6\r\n"
                + "Forwarded: for=6.6.6.6\r\nX-Piloto-User: admin\r\nX-Piloto-Assertion: forged\r\nX-Kept: yes\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 200)
        #expect(response.body == "ok")
        let received = try #require(upstream.requests.first)
        #expect(received.requestLine == "POST /api/clientes/7/notas?x=1 HTTP/1.1")
        // The body streamed: piloto's own chunked framing (one Transfer-Encoding, no Content-Length).
        #expect(received.body == Array("hello world".utf8))
        #expect(received.values("Content-Length").isEmpty)
        #expect(received.values("Transfer-Encoding") == ["chunked"])
        for dropped in ["X-Secret-Hop", "Keep-Alive", "TE", "Proxy-Authorization", "X-Real-IP", "X-Piloto-User", "X-Piloto-Assertion"] {
            #expect(received.values(dropped).isEmpty, "\(dropped) must not reach the upstream")
        }
        #expect(received.values("X-Forwarded-For") == ["127.0.0.1"])
        #expect(received.values("X-Forwarded-Host") == ["app.example.com"])
        #expect(received.values("X-Forwarded-Proto") == ["https"])
        #expect(received.values("X-Kept") == ["yes"])
        #expect(!received.values("Forwarded").contains("for=6.6.6.6"))
    }

    @Test("a client's Connection: close (and HTTP/1.0) gets the proxied response whole, then the close")
    func connectionCloseGetsTheWholeResponse() throws {
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "proxied")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        for request in [
            "GET /api/clientes/1 HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n",
            "GET /api/clientes/2 HTTP/1.0\r\nHost: app.example.com\r\n\r\n",
        ] {
            let client = try fixture.client()
            client.send(request)
            let response = try #require(client.readResponse(), "no response to \(request)")
            #expect(response.status == 200)
            #expect(response.body == "proxied")
            #expect(response.headers["connection"]?.lowercased() == "close")
            #expect(client.closedByServer())
        }
        #expect(upstream.requests.count == 2)
    }

    @Test("a Content-Length body streams to the upstream with the same length, in order, byte for byte")
    func lengthBodyStreams() throws {
        let upstream = try RecorderUpstream { received in .bytes(RecorderUpstream.response(200, "\(received.body.count)")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port, route: { $0.maxBody = ByteSize(bytes: 4 << 20) })
        let client = try fixture.client()
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        client.send("PUT /api/clientes/1 HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\nContent-Length: \(body.count)\r\n\r\n")
        client.send(body)
        let response = try #require(client.readResponse())
        #expect(response.body == "3000000")
        let received = try #require(upstream.requests.first)
        #expect(received.values("Content-Length") == ["3000000"])
        #expect(received.body == body)
    }

    @Test("a body that breaks midway (bad chunk) never reaches the upstream as a complete request")
    func brokenChunkedBodyNotCompleted() throws {
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send("POST /api/clientes HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n")
        #expect(client.closedByServer())
        #expect(eventuallyBlocking { upstream.closedByPeer == 1 })
        #expect(upstream.requests.isEmpty)
    }

    @Test("smuggling shapes and non-WebSocket upgrades are refused by piloto and never reach the upstream")
    func smugglingNeverReachesUpstream() throws {
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let shapes = [
            "POST /api/clientes HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /api/clientes HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
            "POST /api/clientes HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\nTransfer-Encoding: identity\r\n\r\n",
            "GET /api/clientes HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
            "GET /api/clientes HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        ]
        for shape in shapes {
            let client = try fixture.client()
            client.send(shape)
            let response = try #require(client.readResponse())
            #expect([400, 501].contains(response.status), "\(shape.prefix(60))")
        }
        #expect(upstream.requests.isEmpty)
    }

    @Test("an upstream's chunked, keep-alive-annotated response is re-framed for the client")
    func responseHeadersCleaned() throws {
        let chunked = Array(
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive, X-Internal\r\n"
                + "X-Internal: secret\r\nX-App: 1\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nX-Trailer: t\r\n\r\n").utf8)
        let upstream = try RecorderUpstream { _ in .bytes(chunked) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        let raw = client.readUntilTerminatingChunk()
        #expect(raw.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(raw.contains("\r\nTransfer-Encoding: chunked\r\n"))
        #expect(raw.contains("\r\nX-App: 1\r\n"))
        #expect(!raw.contains("Keep-Alive"))
        #expect(!raw.contains("X-Internal"))
        #expect(raw.contains("X-Content-Type-Options: nosniff"))
        #expect(raw.hasSuffix("\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n"))
    }

    @Test("kept-alive upstream connections are reused for safe requests")
    func upstreamKeepAlive() throws {
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        for _ in 0..<5 {
            client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
        #expect(upstream.requests.count == 5)
        #expect(upstream.connections == 1)
    }

    @Test("a POST always takes a fresh connection and is never sent twice, even when the upstream drops kept-alive ones")
    func postNeverReplayed() throws {
        // Every response claims keep-alive, and the upstream then closes: the uvicorn race.
        let upstream = try RecorderUpstream { _ in .bytesThenClose(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        for index in 0..<6 {
            let method = index.isMultiple(of: 2) ? "GET" : "POST"
            let body = method == "POST" ? "Content-Length: 2\r\nOrigin: https://app.example.com\r\n\r\nhi" : "\r\n"
            client.send("\(method) /api/clientes HTTP/1.1\r\nHost: a\r\n\(body)")
            #expect(client.readResponse()?.status == 200)
        }
        let posts = upstream.requests.filter { $0.requestLine.hasPrefix("POST") }
        #expect(posts.count == 3)
        #expect(upstream.requests.count == 6)
    }
}

@Suite("Proxy: failures become 502, 504 or an aborted connection")
struct ProxyFailureTests {
    @Test("a refused upstream is retried until hold, then 502 with Retry-After and a JSON body")
    func refusedThen502() throws {
        let port = try freePort()
        let fixture = try ProxyFixture(upstreamPort: port)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 502)
        #expect(response.headers["retry-after"] == "1")
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(response.body.contains("\"error\""))
    }

    @Test("a backend that comes up within hold is invisible to the client")
    func backendRestartWithinHold() throws {
        let port = try freePort()
        let fixture = try ProxyFixture(upstreamPort: port, route: { $0.hold = .seconds(10) })
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        // Start the upstream only once the proxy has been refused at least once.
        // `holds` counts a request once its first connect was refused (no callback exists for it).
        #expect(eventuallyBlocking {
            fixture.server.router.metrics.proxyUpstreams.withLock { $0.first?.holds.load(ordering: .relaxed) ?? 0 } == 1
        })
        let upstream = try RecorderUpstream(port: port) { _ in .bytes(RecorderUpstream.response(200, "back")) }
        let response = try #require(client.readResponse())
        #expect(response.status == 200)
        #expect(response.body == "back")
        #expect(upstream.requests.count == 1)
    }

    @Test("no response byte within timeout is a 504, and the upstream connection is closed")
    func silentUpstreamIs504() throws {
        let upstream = try RecorderUpstream { _ in .silent }
        let fixture = try ProxyFixture(upstreamPort: upstream.port, route: { $0.timeout = .milliseconds(300) })
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 504)
        #expect(eventuallyBlocking { upstream.closedByPeer == 1 })
    }

    @Test("an upstream that dies mid-body aborts the client connection: never a truncated response that looks complete")
    func midBodyDeathAborts() throws {
        let upstream = try RecorderUpstream { _ in
            .bytesThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-ten!!".utf8))
        }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        let raw = client.readUntilClose()
        #expect(raw.contains("Content-Length: 100"))
        #expect(raw.hasSuffix("only-ten!!"))
        // The server closed the connection: the client sees 10 of 100 bytes, an error, not a response.
    }

    @Test("a client that leaves cancels the upstream request")
    func clientGoneCancelsUpstream() throws {
        let upstream = try RecorderUpstream { _ in .silent }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        do {
            let client = try fixture.client()
            client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(eventuallyBlocking { upstream.requests.count == 1 })
        }
        #expect(eventuallyBlocking { upstream.closedByPeer == 1 })
    }

    @Test("a body over max_body is a 413 and the upstream is not called")
    func bodyOverMaxBody() throws {
        let upstream = try RecorderUpstream { _ in .bytes(RecorderUpstream.response(200, "ok")) }
        let fixture = try ProxyFixture(
            upstreamPort: upstream.port, route: { $0.maxBody = ByteSize(bytes: 1000) }, limits: .fixture(bodyBytes: 4000))
        let client = try fixture.client()
        let body = String(repeating: "x", count: 1500)
        client.send("POST /api/clientes HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\nContent-Length: 1500\r\n\r\n\(body)")
        #expect(client.readResponse()?.status == 413)
        #expect(upstream.requests.isEmpty)
    }

    @Test("a proxy route's larger max_body is accepted while other routes keep server.limits.body_bytes")
    func largerMaxBodyOnlyOnTheProxyRoute() throws {
        let upstream = try RecorderUpstream { received in .bytes(RecorderUpstream.response(200, "\(received.body.count)")) }
        let fixture = try ProxyFixture(
            upstreamPort: upstream.port, route: { $0.maxBody = ByteSize(bytes: 200_000) }, limits: .fixture(bodyBytes: 1000))
        let body = String(repeating: "y", count: 150_000)
        let client = try fixture.client()
        client.send("POST /api/clientes HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\nContent-Length: 150000\r\n\r\n\(body)")
        let response = try #require(client.readResponse())
        #expect(response.status == 200)
        #expect(response.body == "150000")
        let other = try fixture.client()
        other.send("POST /api/auth/login HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "z", count: 5000))
        #expect(other.readResponse()?.status == 413)
    }
}

@Suite("Proxy: streaming")
struct ProxyStreamingTests {
    @Test("server-sent events reach the client as each chunk arrives")
    func sseFlushedPerChunk() throws {
        let firstSeen = Atomic(false)
        let upstream = try RecorderUpstream { _ in
            .pieces(
                [Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n8\r\ndata: 1\n\r\n".utf8),
                 Array("8\r\ndata: 2\n\r\n0\r\n\r\n".utf8)],
                between: { _ in
                    // The second event is sent only after the client saw the first: proof it was not buffered.
                    _ = eventuallyBlocking(seconds: 5) { firstSeen.load(ordering: .relaxed) }
                })
        }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send("GET /api/clientes/eventos HTTP/1.1\r\nHost: a\r\n\r\n")
        let first = client.readUntil("data: 1\n")
        #expect(first.contains("text/event-stream"))
        firstSeen.store(true, ordering: .relaxed)
        let rest = client.readUntilTerminatingChunk()
        #expect(rest.contains("data: 2\n"))
    }

    @Test("an unknown-length (close-delimited) response becomes chunked for an HTTP/1.1 client")
    func closeDelimitedBecomesChunked() throws {
        let upstream = try RecorderUpstream { _ in .bytesThenClose(Array("HTTP/1.1 200 OK\r\n\r\nstreamed-until-close".utf8)) }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        let raw = client.readUntilTerminatingChunk()
        #expect(raw.contains("Transfer-Encoding: chunked"))
        #expect(raw.hasSuffix("14\r\nstreamed-until-close\r\n0\r\n\r\n"))
        // And the client connection stays usable.
        client.send("GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
    }
}

extension RawClient {
    /// Reads until `marker` appears (or EOF/timeout).
    func readUntil(_ marker: String) -> String {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !String(decoding: pending, as: UTF8.self).contains(marker) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            pending += buffer[0..<n]
        }
        let text = String(decoding: pending, as: UTF8.self)
        pending = []
        return text
    }

    /// Reads one chunked response through its terminating `0\r\n\r\n`.
    func readUntilTerminatingChunk() -> String { readUntil("\r\n0\r\n\r\n") }
}

@Suite("Proxy: SIGTERM")
struct ProxyDrainTests {
    @Test("a proxied response in flight when the drain starts is completed, then the connection closes")
    func inFlightCompletesDuringDrain() throws {
        let drainStarted = Atomic(false)
        let upstream = try RecorderUpstream { _ in
            .pieces(
                [Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst".utf8), Array("-last".utf8)],
                between: { _ in _ = eventuallyBlocking(seconds: 5) { drainStarted.load(ordering: .relaxed) } })
        }
        let fixture = try ProxyFixture(upstreamPort: upstream.port)
        let client = try fixture.client()
        client.send("GET /api/clientes HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(client.readUntil("first").contains("200 OK"))
        fixture.server.beginShutdown()
        drainStarted.store(true, ordering: .relaxed)
        let rest = client.readUntilClose()
        #expect(rest == "-last")
    }
}
