@testable import PilotoConfig
import Testing

@testable import PilotoRuntime

/// RFC 6455 §4.2.1 rule by rule, the §1.3 accept sample, and the Origin policy.
@Suite struct WebSocketHandshakeTests {
    static let sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="
    static let policy = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com", routeOrigins: ["https://Admin.Example.com"])

    /// A valid browser request, with one header replaced or removed.
    private func headers(
        replacing name: String? = nil, with value: String? = nil, extra: [(name: String, value: String)] = []
    ) -> [(name: String, value: String)] {
        var list: [(name: String, value: String)] = [
            ("Host", "app.example.com"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", Self.sampleKey), ("Sec-WebSocket-Version", "13"), ("Origin", "https://app.example.com"),
        ]
        if let name {
            list.removeAll { $0.name == name }
            if let value { list.append((name, value)) }
        }
        return list + extra
    }

    private func check(
        method: String = "GET", version: String = "HTTP/1.1", _ headers: [(name: String, value: String)],
        policy: WebSocketOriginPolicy = policy
    ) -> Result<WebSocketHandshake.Accepted, HandshakeError> {
        do throws(HandshakeError) {
            return .success(try WebSocketHandshake.accept(method: method, version: version, headers: headers, origins: policy))
        } catch {
            return .failure(error)
        }
    }

    /// RFC 6455 §1.3: key "dGhlIHNhbXBsZSBub25jZQ==" → accept "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
    @Test func accept_rfc6455Sample() {
        #expect(WebSocketHandshake.acceptValue(forKey: Self.sampleKey) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func handshake_valid_returnsAcceptValue() throws {
        let accepted = try check(headers()).get()
        #expect(accepted.acceptValue == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func handshake_tokensAreCaseInsensitiveAndCommaLists() {
        var list = headers(replacing: "Connection", with: "keep-alive, UPGRADE")
        list.removeAll { $0.name == "Upgrade" }
        list.append(("upgrade", "WebSocket"))
        #expect((try? check(list).get()) != nil)
        // Connection tokens spread over two header lines.
        let split = headers(replacing: "Connection", with: "keep-alive", extra: [("connection", "upgrade")])
        #expect((try? check(split).get()) != nil)
    }

    @Test(arguments: ["POST", "get", "HEAD", "PUT"])
    func handshake_nonGet_is405(method: String) {
        let result = check(method: method, headers())
        #expect(result.failure == .methodNotAllowed(method))
        #expect(result.failure?.status == 405)
    }

    @Test(arguments: ["HTTP/1.0", "HTTP/0.9", "HTTP/2", "HTTP/1.", "HTTP/1.x"])
    func handshake_oldOrOddVersion_is400(version: String) {
        #expect(check(version: version, headers()).failure == .unsupportedHTTPVersion(version))
    }

    @Test func handshake_missingHost_is400() {
        #expect(check(headers(replacing: "Host")).failure == .missingHost)
        #expect(check(headers(replacing: "Host", with: " ")).failure == .missingHost)
        #expect(check(headers(extra: [("Host", "other")])).failure == .missingHost)
    }

    @Test(arguments: [nil, "h2c", "websockets", "web socket"] as [String?])
    func handshake_missingUpgradeToken_is400(value: String?) {
        let result = check(headers(replacing: "Upgrade", with: value))
        #expect(result.failure == .missingUpgradeToken)
        #expect(result.failure?.status == 400)
    }

    @Test(arguments: [nil, "keep-alive", "upgrades", "close"] as [String?])
    func handshake_missingConnectionUpgrade_is400(value: String?) {
        #expect(check(headers(replacing: "Connection", with: value)).failure == .missingConnectionUpgrade)
    }

    @Test(arguments: [
        nil, "", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZXg=",
        "dGhlIHNhbXBsZSBub25jZXh4eA==", "dGhlIHNhbXBsZSBub25jZQ==AAAA", "not base64 at all!!!!!!!",
    ] as [String?])
    func handshake_badKey_is400(key: String?) {
        let result = check(headers(replacing: "Sec-WebSocket-Key", with: key))
        #expect(result.failure == .invalidKey)
        #expect(result.failure?.status == 400)
    }

    @Test func handshake_repeatedKey_is400() {
        #expect(check(headers(extra: [("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")])).failure == .invalidKey)
    }

    @Test(arguments: [nil, "8", "12", "14", "13, 8"] as [String?])
    func handshake_wrongVersion_is426WithVersionHeader(version: String?) {
        let result = check(headers(replacing: "Sec-WebSocket-Version", with: version))
        #expect(result.failure == .unsupportedVersion(version))
        #expect(result.failure?.status == 426)
        #expect(result.failure?.headers.map { "\($0.name): \($0.value)" } == ["Sec-WebSocket-Version: 13"])
    }

    @Test(arguments: [
        "https://evil.example.com", "http://app.example.com", "https://app.example.com.evil.com", "null", "",
        "https://app.example.com:8443", "http://localhost:3000",
    ])
    func handshake_foreignOrigin_is403(origin: String) {
        let result = check(headers(replacing: "Origin", with: origin))
        #expect(result.failure == .forbiddenOrigin(origin))
        #expect(result.failure?.status == 403)
    }

    @Test(arguments: ["https://app.example.com", "HTTPS://APP.EXAMPLE.COM", "https://admin.example.com", "https://app.example.com/"])
    func handshake_allowedOrigin_isAccepted(origin: String) {
        #expect((try? check(headers(replacing: "Origin", with: origin)).get()) != nil)
    }

    @Test func handshake_missingOrigin_refusedInProduction_allowedInDevMode() {
        #expect(check(headers(replacing: "Origin")).failure == .forbiddenOrigin(nil))
        let dev = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com", devMode: true)
        #expect((try? check(headers(replacing: "Origin"), policy: dev).get()) != nil)
        let explicit = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com", allowMissingOrigin: true)
        #expect((try? check(headers(replacing: "Origin"), policy: explicit).get()) != nil)
    }

    @Test func handshake_repeatedOrigin_is403() {
        #expect(check(headers(extra: [("Origin", "https://app.example.com")])).failure == .forbiddenOrigin("https://app.example.com"))
    }

    @Test func originPolicy_devModeLoopback() {
        let dev = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com", devMode: true)
        for origin in ["http://localhost", "http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000"] {
            #expect(dev.allows(origin), "\(origin)")
        }
        for origin in ["http://localhost.evil.com", "http://localhost:", "http://localhost:80a", "https://localhost:1", "http://127.0.0.1:123456", "null"] {
            #expect(!dev.allows(origin), "\(origin)")
        }
        #expect(!Self.policy.allows("http://localhost:5173"))
    }

    @Test func originPolicy_fromConfigModel() {
        let route = WebSocketRoute(mode: .echo, maxMessage: .mebibytes(1), origins: ["https://partner.example.org"])
        let policy = WebSocketOriginPolicy(serviceOrigin: "https://app.example.com", routeOrigins: route.origins)
        #expect(policy.allows("https://partner.example.org"))
        #expect(policy.allows("https://app.example.com"))
        #expect(!policy.allows("https://example.org"))
    }

    @Test func handshakeError_statusAndHeaders() {
        #expect(HandshakeError.forbiddenOrigin("x").status == 403)
        #expect(HandshakeError.forbiddenOrigin("x").headers.isEmpty)
        #expect(HandshakeError.methodNotAllowed("POST").status == 405)
        #expect(HandshakeError.methodNotAllowed("POST").headers.map { "\($0.name): \($0.value)" } == ["Allow: GET"])
    }
}

extension Result {
    /// The error of a failed result, nil on success.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
