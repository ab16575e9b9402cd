import PilotoConfig
import Testing
@testable import PilotoHTTPCore
@testable import PilotoRuntime

struct ProxyRetryPolicyTests {
    /// (method, body, Idempotency-Key, reached upstream, retry) → may replay.
    @Test(arguments: [
        ("POST", true, false, false, ProxyRetry.safe, true),  // connect refused: nothing sent
        ("POST", true, false, false, .off, true),
        ("POST", true, false, true, .safe, false),  // never executed twice
        ("POST", false, false, true, .safe, false),
        ("PUT", true, false, true, .safe, false),
        ("DELETE", false, false, true, .safe, false),
        ("PATCH", true, false, true, .safe, false),
        ("POST", true, true, true, .safe, true),  // Idempotency-Key: the server deduplicates
        ("POST", true, true, true, .off, false),
        ("GET", false, false, true, .safe, true),  // keep-alive race on a pooled connection
        ("HEAD", false, false, true, .safe, true),
        ("OPTIONS", false, false, true, .safe, true),
        ("GET", true, false, true, .safe, false),  // a GET with a body is not assumed safe
        ("GET", false, false, true, .off, false),
        ("TRACE", false, false, true, .safe, false),
        ("get", false, false, true, .safe, false),  // methods are case-sensitive (RFC 9110 §9.1)
    ] as [(String, Bool, Bool, Bool, ProxyRetry, Bool)])
    func table(_ method: String, _ body: Bool, _ key: Bool, _ reached: Bool, _ retry: ProxyRetry, _ expected: Bool) {
        #expect(
            ProxyRetryPolicy.mayReplay(method: method, hasBody: body, hasIdempotencyKey: key, reachedUpstream: reached, retry: retry)
                == expected)
    }

    @Test func fromHead_readsFramingAndKeyHeaders() {
        func head(_ method: String, _ framing: BodyFraming, _ fields: [(String, String)] = []) -> HTTPRequestHead {
            HTTPRequestHead(
                method: method, target: "/", version: .http11,
                headers: HTTPHeaders([(name: "Host", value: "h")] + fields.map { (name: $0.0, value: $0.1) }), framing: framing,
                keepAlive: true, expectContinue: false)
        }
        #expect(ProxyRetryPolicy.mayReplay(head("GET", .none), reachedUpstream: true))
        #expect(ProxyRetryPolicy.mayReplay(head("GET", .length(0)), reachedUpstream: true))
        #expect(!ProxyRetryPolicy.mayReplay(head("GET", .chunked), reachedUpstream: true))
        #expect(!ProxyRetryPolicy.mayReplay(head("POST", .length(3)), reachedUpstream: true))
        #expect(ProxyRetryPolicy.mayReplay(head("POST", .length(3), [("idempotency-key", "k1")]), reachedUpstream: true))
        #expect(ProxyRetryPolicy.mayReplay(head("POST", .chunked, [("X-Idempotency-Key", "k1")]), reachedUpstream: true))
        #expect(!ProxyRetryPolicy.mayReplay(head("POST", .length(3), [("Idempotency-Key", "k1")]), reachedUpstream: true, retry: .off))
        #expect(ProxyRetryPolicy.mayReplay(head("POST", .length(3)), reachedUpstream: false, retry: .off))
    }
}
