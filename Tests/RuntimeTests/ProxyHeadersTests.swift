import Testing
@testable import PilotoHTTPCore
@testable import PilotoRuntime

struct ProxyHeadersTests {
    static func names(_ fields: [(name: String, value: String)]) -> [String] { fields.map(\.name) }

    static func fields(_ pairs: [(String, String)]) -> HTTPHeaders { HTTPHeaders(pairs.map { (name: $0.0, value: $0.1) }) }

    @Test func request_dropsHopByHopListedAndSpoofed_thenAddsPilotosOwn() {
        let client = Self.fields([
            ("Host", "app.example"), ("Accept", "*/*"),
            ("Connection", "keep-alive, X-Forwarded-For, X-Piloto-Assertion, Foo, Cookie"),
            ("Keep-Alive", "timeout=5"), ("Proxy-Connection", "keep-alive"), ("TE", "trailers"), ("Trailer", "X"),
            ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"), ("Proxy-Authorization", "Basic x"),
            ("Proxy-Authenticate", "x"), ("Foo", "dropped because listed"), ("Cookie", "listed too"),
            ("Forwarded", "for=6.6.6.6"), ("X-Forwarded-For", "6.6.6.6"), ("x-forwarded-proto", "http"),
            ("X-Forwarded-Host", "evil"), ("X-Forwarded-Prefix", "/evil"), ("X-Real-IP", "6.6.6.6"),
            ("X-Piloto-User", "admin"), ("X-PILOTO-ASSERTION", "forged"), ("Content-Length", "3"), ("Expect", "100-continue"),
            ("Authorization", "Bearer t"), ("X-Request-Id", "r1"),
        ])
        let out = ProxyRequestHeaders.build(
            from: client, clientIP: "203.0.113.7", proto: "https", host: "app.example",
            identity: [("X-Piloto-Assertion", "jwt")])
        let expected: [(String, String)] = [
            ("Host", "app.example"), ("Accept", "*/*"), ("Authorization", "Bearer t"), ("X-Request-Id", "r1"),
            ("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "app.example"),
            ("Forwarded", "for=203.0.113.7;proto=https;host=app.example"), ("X-Piloto-Assertion", "jwt"),
        ]
        #expect(out.map { "\($0.name): \($0.value)" } == expected.map { "\($0.0): \($0.1)" })
    }

    @Test func request_websocketUpgrade_isReexpressed() {
        let client = Self.fields([
            ("Host", "h"), ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "k"),
            ("Sec-WebSocket-Version", "13"), ("Origin", "https://h"),
        ])
        let out = ProxyRequestHeaders.build(from: client, clientIP: "1.2.3.4", proto: "https", host: "h", identity: [], websocket: true)
        #expect(Self.names(out).prefix(6) == ["Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Origin", "Upgrade", "Connection"])
        #expect(out.first { $0.name == "Upgrade" }?.value == "websocket")
        #expect(out.first { $0.name == "Connection" }?.value == "Upgrade")
        let plain = ProxyRequestHeaders.build(from: client, clientIP: "1.2.3.4", proto: "https", host: "h", identity: [])
        #expect(!Self.names(plain).contains("Upgrade") && !Self.names(plain).contains("Connection"))
    }

    @Test func request_connectionCannotStripPilotosHeaders() {
        let client = Self.fields([("Host", "h"), ("Connection", "X-Forwarded-For, Forwarded, X-Piloto-Assertion, Host")])
        let out = ProxyRequestHeaders.build(
            from: client, clientIP: "1.2.3.4", proto: "http", host: "h", identity: [("X-Piloto-Assertion", "a")])
        #expect(Self.names(out) == ["Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Piloto-Assertion"])
    }

    @Test func forwarded_quotesIPv6AndPorts() {
        #expect(ProxyRequestHeaders.forwarded(for: "::1", proto: "http", host: "localhost:8080") == "for=\"[::1]\";proto=http;host=\"localhost:8080\"")
        #expect(
            ProxyRequestHeaders.forwarded(for: "2001:db8::1", proto: "https", host: "a.example")
                == "for=\"[2001:db8::1]\";proto=https;host=a.example")
        #expect(ProxyRequestHeaders.forwarded(for: "192.0.2.1", proto: "https", host: "we\"ird") == "for=192.0.2.1;proto=https;host=\"we\\\"ird\"")
    }

    @Test func response_filtersHopByHopAndListed() {
        let upstream = Self.fields([
            ("Content-Type", "application/json"), ("Connection", "keep-alive, X-Internal"), ("Keep-Alive", "timeout=5"),
            ("Transfer-Encoding", "chunked"), ("Content-Length", "10"), ("TE", "x"), ("Trailer", "X-T"), ("Upgrade", "h2c"),
            ("Proxy-Authenticate", "Basic"), ("Proxy-Anything", "x"), ("X-Internal", "secret"), ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ])
        let out = ProxyResponseHeaders.filter(upstream)
        #expect(out.map { "\($0.name): \($0.value)" } == ["Content-Type: application/json", "Set-Cookie: a=1", "Set-Cookie: b=2"])
        let withLength = ProxyResponseHeaders.filter(Self.fields([("Content-Length", "10"), ("Connection", "close")]))
        #expect(Self.names(withLength) == ["Content-Length"])
        let tunnel = ProxyResponseHeaders.filter(
            Self.fields([("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", "x")]), tunnel: true)
        #expect(tunnel.map { "\($0.name): \($0.value)" } == ["Sec-WebSocket-Accept: x", "Upgrade: websocket", "Connection: Upgrade"])
        // Names the `Connection` list nominates are matched whatever their length (the filter only
        // searches the list for names of a listed length; 63 bytes and longer share one bit).
        let long = "X-" + String(repeating: "a", count: 70), longer = "X-" + String(repeating: "a", count: 80)
        let nominated = ProxyResponseHeaders.filter(Self.fields([
            ("Connection", "\(long), x-b"), (long, "1"), (longer, "2"), ("X-B", "3"), ("X-C", "4"), ("x-bb", "5"),
        ]))
        #expect(nominated.map(\.name) == [longer, "X-C", "x-bb"])
    }

    /// trusted_hops semantics, as a table: (elements, hops) → chosen.
    @Test(arguments: [
        ([String](), 0, "10.0.0.1"),
        ([String](), 1, "10.0.0.1"),
        (["1.1.1.1"], 0, "10.0.0.1"),
        (["1.1.1.1"], 1, "1.1.1.1"),
        (["6.6.6.6", "1.1.1.1"], 1, "1.1.1.1"),
        (["6.6.6.6", "1.1.1.1", "35.191.0.1"], 2, "1.1.1.1"),
        (["1.1.1.1"], 2, "1.1.1.1"),
        (["2.2.2.2", "1.1.1.1"], 3, "2.2.2.2"),
        (["2001:db8::7"], 1, "2001:db8::7"),
        (["6.6.6.6", "not-an-ip"], 1, "10.0.0.1"),
        (["6.6.6.6", "1.1.1.1:443"], 1, "10.0.0.1"),
        (["aa.bb.cc.dd"], 1, "10.0.0.1"),
        ([String(repeating: "1", count: 46)], 1, "10.0.0.1"),
    ] as [([String], Int, String)])
    func clientIP_resolve(_ elements: [String], _ hops: Int, _ expected: String) {
        #expect(ClientIP.resolve(forwardedFor: elements, peer: "10.0.0.1", trustedHops: hops) == expected)
    }

    @Test func clientAddressPolicy_usesTheResolver() {
        let head = HTTPRequestHead(
            method: "GET", target: "/", version: .http11,
            headers: Self.fields([("Host", "h"), ("X-Forwarded-For", "6.6.6.6, 1.1.1.1"), ("X-Forwarded-For", "35.191.0.1")]),
            framing: .none, keepAlive: true, expectContinue: false)
        let request = HTTPRequest(
            head: head, path: "/", query: nil, body: [], remote: SocketAddress(ip: "10.0.0.1", isLoopback: false), startNanos: 0)
        #expect(ClientAddressPolicy(trustedHops: 2).address(of: request) == "1.1.1.1")
        #expect(ClientAddressPolicy(trustForwardedFor: true).address(of: request) == "35.191.0.1")
        #expect(ClientAddressPolicy().address(of: request) == "10.0.0.1")
    }

    @Test func writer_reframesWithContentLength_neverChunked() {
        let headers: [(name: String, value: String)] = [("Host", "h"), ("X-A", "1")]
        let post = ProxyRequestWriter.serialize(method: "POST", target: "/api/x?y=1", headers: headers, body: Array("hello".utf8))
        #expect(String(decoding: post, as: UTF8.self) == "POST /api/x?y=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello")
        let get = ProxyRequestWriter.serialize(method: "GET", target: "/", headers: headers, body: [])
        #expect(String(decoding: get, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n")
        let head = ProxyRequestWriter.serialize(method: "HEAD", target: "/", headers: headers, body: [])
        #expect(!String(decoding: head, as: UTF8.self).contains("Content-Length"))
        let emptyPost = ProxyRequestWriter.serialize(method: "POST", target: "/", headers: headers, body: [])
        #expect(String(decoding: emptyPost, as: UTF8.self).hasSuffix("Content-Length: 0\r\n\r\n"))
        let streamed = ProxyRequestWriter.head(method: "PUT", target: "/u", headers: headers, contentLength: 1 << 30)
        #expect(String(decoding: streamed, as: UTF8.self).hasSuffix("Content-Length: 1073741824\r\n\r\n"))
    }

    /// What the writer produces, piloto's own request parser accepts with the same framing: the
    /// upstream sees one unambiguous message.
    @Test func writer_outputParsesBackExactly() throws {
        let client = Self.fields([("Host", "h"), ("Transfer-Encoding", "chunked"), ("Content-Length", "99"), ("X-B", "2")])
        let headers = ProxyRequestHeaders.build(from: client, clientIP: "::1", proto: "http", host: "h:8080", identity: [])
        let bytes = ProxyRequestWriter.serialize(method: "POST", target: "/p", headers: headers, body: Array("abc".utf8))
        var parser = HTTPRequestParser()
        parser.append(bytes)
        guard case .head(let head)? = try parser.next() else {
            Issue.record("no head")
            return
        }
        #expect(head.framing == .length(3))
        #expect(head.headers["Forwarded"] == "for=\"[::1]\";proto=http;host=\"h:8080\"")
        #expect(try parser.next() == .body(Array("abc".utf8)))
        #expect(try parser.next() == .end)
    }

    @Test(arguments: [
        ("/api/clientes/7", "q=1", "/api/clientes", false, "", "/api/clientes/7?q=1"),
        ("/api/clientes/7", nil, "/api/clientes", true, "", "/7"),
        ("/api/clientes", nil, "/api/clientes", true, "", "/"),
        ("/api/clientes/", nil, "/api/clientes/", true, "", "/"),
        ("/api/clientes/7", nil, "/api/clientes", true, "/v1", "/v1/7"),
        ("/api/clientes/7", nil, "/api/clientes", false, "/v1/", "/v1/api/clientes/7"),
        ("/api/a%2Fb", "", "/api", true, "base", "/base/a%2Fb?"),
        ("/x", nil, "/", true, "", "/x"),
    ] as [(String, String?, String, Bool, String, String)])
    func target_path(_ path: String, _ query: String?, _ prefix: String, _ strip: Bool, _ base: String, _ expected: String) {
        #expect(ProxyTarget.path(requestPath: path, query: query, routePrefix: prefix, stripPrefix: strip, basePath: base) == expected)
    }
}
