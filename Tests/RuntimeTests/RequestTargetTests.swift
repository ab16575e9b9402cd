import Testing
@testable import PilotoHTTPCore
@testable import PilotoRuntime

struct RequestTargetTests {
    @Test(arguments: [
        ("/", "/"),
        ("/a/b", "/a/b"),
        ("/a/./b", "/a/b"),
        ("/a/../b", "/b"),
        ("/../../etc/passwd", "/etc/passwd"),
        ("/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd"),
        ("/a/%2E%2E/secret", "/secret"),
        ("/assets/..%2f..%2fsecret", "/secret"),
        ("/%252e%252e/x", "/%2e%2e/x"),
        ("/a/b/..", "/a/"),
        ("/a/.", "/a/"),
        ("/a%20b", "/a b"),
        ("/x?y=%2e%2e", "/x"),
        ("http://example.com/a/../b?q", "/b"),
        ("HTTPS://example.com", "/"),
        ("http://example.com?x=1", "/"),
        ("*", "*"),
    ])
    func normalizes(_ target: String, _ expected: String) throws {
        #expect(try RequestTarget.parse(target).path == expected)
    }

    @Test func query_keptRaw() throws {
        #expect(try RequestTarget.parse("/x?a=%20&b").query == "a=%20&b")
        #expect(try RequestTarget.parse("/x").query == nil)
    }

    @Test(arguments: [
        ("/a%00b", RequestTargetError.nulByte),
        ("/a\u{0}b", .nulByte),
        ("/a%0", .invalidPercentEncoding),
        ("/a%zz", .invalidPercentEncoding),
        ("/%ff%fe", .invalidUTF8),
        ("example.com:443", .unsupportedForm),
        ("ftp://x/y", .unsupportedForm),
    ] as [(String, RequestTargetError)])
    func rejects(_ target: String, _ expected: RequestTargetError) {
        #expect(throws: expected) { try RequestTarget.parse(target) }
    }

    @Test func neverEscapesRoot() throws {
        let attempts = ["/..", "/../", "/a/../../..", "/%2e%2e", "/.%2e/", "/./../x/../../"]
        for attempt in attempts {
            let path = try RequestTarget.parse(attempt).path
            #expect(path.hasPrefix("/"))
            #expect(!path.split(separator: "/").contains(".."))
        }
    }

    /// The one-pass fast path agrees with the full algorithm on every target it accepts (random
    /// targets from an alphabet rich in the characters that matter: `/ . % ? # *` and non-ASCII).
    @Test func fastPath_agreesWithFullAlgorithm() throws {
        let alphabet: [String] = ["/", ".", "..", "%2e", "%", "?", "#", "a", "b", "-", "é", "*", "=", "&", "x.js", "%20"]
        var generator = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<20_000 {
            var target = "/"
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                target += alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }
            guard let fast = RequestTarget.originFormFastPath(target) else { continue }
            accepted += 1
            var slow = Substring(target)
            var query: String?
            if let q = slow.firstIndex(of: "?") {
                query = String(slow[slow.index(after: q)...])
                slow = slow[..<q]
            }
            let full = RequestTarget(path: RequestTarget.removeDotSegments(try RequestTarget.percentDecode(slow)), query: query)
            #expect(fast == full, "\(target)")
        }
        #expect(accepted > 1000)
    }
}

