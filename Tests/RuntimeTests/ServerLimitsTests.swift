import Foundation
import Glibc
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime

/// Limits, timeouts and malformed input against a real server (two cases in-process).
struct ServerLimitsTests {
    private func start(_ site: SiteFixture, limits: ServerLimits = .fixture()) throws -> RunningServer {
        try RunningServer(.fixture(routes: site.routes(), limits: limits))
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/3.0\r\nHost: t\r\n\r\n", 505),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 9000) + "\r\n\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n\r\n", 417),
        ("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}\r\n\r\n", 400),
    ] as [(String, Int)])
    func malformed_rejectedWithStatus_andClosed(_ request: String, _ status: Int) throws {
        let site = try SiteFixture()
        let server = try start(site)
        let client = try RawClient(port: server.port)
        client.send(request + "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == status)
        #expect(response.headers["connection"] == "close")
        // The smuggled follow-up request is never answered.
        #expect(client.readUntilClose() == "")
    }

    /// In-process: the server's limits through its own connection state machine, no socket.
    @Test func tooManyHeaders_431() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes(), limits: .fixture(maxHeaderCount: 5)))
        let responses = try server.responses("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<6).map { "X-\($0): v\r\n" }.joined() + "\r\n")
        #expect(responses.first?.status == 431)
    }

    /// In-process: `100 Continue` comes before the answer, and a chunked body is read whole.
    @Test func chunkedBody_andExpectContinue() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let responses = try server.responses(
            "POST /api/health HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"
                + "abcdPOST /api/health HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n")
        #expect(responses.map(\.status) == [100, 405, 405])
    }

    @Test func http10_closesAfterResponse() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let client = try RawClient(port: server.port)
        client.send("GET /api/health HTTP/1.0\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 200)
        #expect(response.raw.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.headers["connection"] == "close")
        #expect(client.closedByServer())
    }

    @Test func slowClient_gets408_andIsClosed() throws {
        let site = try SiteFixture()
        let server = try start(site, limits: .fixture(headerTimeout: TimeSpan(milliseconds: 300)))
        let client = try RawClient(port: server.port)
        client.send("GET /api/health HTTP/1.1\r\nHost: t\r\n")  // never finishes the head
        let response = try #require(client.readResponse())
        #expect(response.status == 408)
        #expect(client.closedByServer())
    }

    @Test func idleKeepAlive_closedAfterIdleTimeout() throws {
        let site = try SiteFixture()
        let server = try start(site, limits: .fixture(idleTimeout: TimeSpan(milliseconds: 300)))
        let client = try RawClient(port: server.port)
        client.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        #expect(client.closedByServer())
    }

    /// A thousand idle or half-sent connections do not stop a fresh client from being served.
    @Test func manyIdleAndSlowConnections_doNotBlockFreshClient() throws {
        let site = try SiteFixture()
        let server = try start(site, limits: .fixture(maxConnections: 4000))
        var holders: [RawClient] = []
        for i in 0..<1000 {
            let c = try RawClient(port: server.port)
            if i % 2 == 0 { c.send("GET /api/health HTTP/1.1\r\nHost: t\r\nX-Slow: ") }
            holders.append(c)
        }
        let fresh = try RawClient(port: server.port)
        fresh.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(fresh.readResponse()?.status == 200)
        #expect(holders.count == 1000)
    }

    @Test func maxConnections_extraClientsWaitInBacklog_thenServed() throws {
        let site = try SiteFixture()
        let server = try start(site, limits: .fixture(idleTimeout: TimeSpan(milliseconds: 400), maxConnections: 2))
        let a = try RawClient(port: server.port)
        let b = try RawClient(port: server.port)
        a.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        b.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(a.readResponse()?.status == 200)
        #expect(b.readResponse()?.status == 200)
        // The third waits until an idle one is closed, then is served.
        let c = try RawClient(port: server.port)
        c.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(c.readResponse()?.status == 200)
    }

    @Test func responseHeaders_neverSplit() {
        var queue = OutputQueue()
        var headers = HTTPHeaders()
        headers.add("X-Evil", "a\r\nSet-Cookie: x=1")
        ResponseSerializer(extraHeaders: []).write(
            HTTPResponse(status: .ok, headers: headers), includeBody: true, close: false,
            date: DateHeader(epochSeconds: 0), into: &queue)
        var out: [UInt8] = []
        _ = queue.flush { iovs, _ in
            var n = 0
            for iov in iovs {
                if let base = iov.iov_base { out += UnsafeRawBufferPointer(start: base, count: iov.iov_len) }
                n += iov.iov_len
            }
            return n
        }
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"))
        #expect(text.contains("X-Evil: aSet-Cookie: x=1\r\n"))
        #expect(!text.contains("\r\nSet-Cookie"))
    }

    /// `server.headers` go through the same cleaning as a handler's fields.
    @Test func serverHeadersAreCleanedToo() {
        let serializer = ResponseSerializer(extraHeaders: [("X-Ok", "yes"), ("X-Ba\rd", "v\r\nSet-Cookie: y=1\0")])
        #expect(String(decoding: serializer.extraFieldLines, as: UTF8.self) == "X-Ok: yes\r\nX-Bad: vSet-Cookie: y=1\r\n")
    }
}
