import Testing
@testable import PilotoRuntime

@Suite struct RedisURLTests {
    @Test func defaults() throws {
        #expect(try RedisURL(parsing: "redis://") == RedisURL())
        #expect(try RedisURL(parsing: "redis://10.0.0.3") == RedisURL(host: "10.0.0.3"))
        #expect(try RedisURL(parsing: "redis://10.0.0.3:6380/") == RedisURL(host: "10.0.0.3", port: 6380))
    }

    @Test func fullForm() throws {
        let url = try RedisURL(parsing: "redis://app:s3cret@redis.internal:6390/4")
        #expect(url == RedisURL(host: "redis.internal", port: 6390, user: "app", password: "s3cret", database: 4))
        #expect(url.redacted == "redis://app:***@redis.internal:6390/4")
    }

    @Test func userAndPasswordArePercentDecoded() throws {
        let url = try RedisURL(parsing: "redis://us%40er:p%3Aa%2Fss%40word%25@127.0.0.1:7000/1")
        #expect(url.user == "us@er")
        #expect(url.password == "p:a/ss@word%")
        #expect(try RedisURL(parsing: "redis://:only-pass@h").user == nil)
        #expect(try RedisURL(parsing: "redis://:only-pass@h").password == "only-pass")
        #expect(try RedisURL(parsing: "redis://lonepass@h").password == "lonepass")
    }

    @Test func ipv6Literal() throws {
        #expect(try RedisURL(parsing: "redis://[::1]:6379/2") == RedisURL(host: "::1", port: 6379, database: 2))
    }

    @Test func tlsIsRefusedWithAClearMessage() {
        #expect(throws: RedisURLError.tlsNotSupported) { try RedisURL(parsing: "rediss://10.0.0.3:6378") }
        #expect(RedisURLError.tlsNotSupported.message.contains("TLS is not supported"))
        #expect(RedisURLError.tlsNotSupported.message.contains("VPC"))
    }

    @Test(arguments: [
        ("http://x", RedisURLError.unsupportedScheme),
        ("redis://h:0", .invalidPort("0")),
        ("redis://h:70000", .invalidPort("70000")),
        ("redis://h:abc", .invalidPort("abc")),
        ("redis://h/x", .invalidDatabase("x")),
        ("redis://h/-1", .invalidDatabase("-1")),
        ("redis://u:%zz@h", .invalidPercentEncoding),
        ("redis://u:%ff@h", .invalidPercentEncoding),
        ("redis://h?db=1", .unsupportedOption),
        ("redis://h o", .invalidHost("h o")),
    ])
    func invalidURLs(text: String, expected: RedisURLError) {
        #expect(throws: expected) { try RedisURL(parsing: text) }
    }

    @Test func errorsNeverEchoThePassword() {
        do {
            _ = try RedisURL(parsing: "redis://u:hunter2@h?x")
            Issue.record("expected an error")
        } catch {
            #expect(!error.message.contains("hunter2"))
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}

@Suite struct RedisBackoffTests {
    @Test func delaysGrowExponentiallyWithinJitterBoundsAndCap() {
        var backoff = RedisBackoff(initial: 50, cap: 2000)
        let ceilings: [Int64] = [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000]
        for ceiling in ceilings {
            let delay = backoff.nextDelay()
            #expect(delay >= ceiling / 2 && delay <= ceiling, "delay \(delay) for ceiling \(ceiling)")
        }
        backoff.reset()
        #expect(backoff.nextDelay() <= 50)
        for _ in 0..<100 { _ = backoff.nextDelay() }  // no overflow however long Redis stays down
        #expect(backoff.nextDelay() <= 2000)
    }
}

@Suite struct RedisSessionRecordTests {
    @Test func roundTripWithEscapes() {
        let session = Session(id: String(repeating: "a", count: 64), login: "ve\"nd\\edor\n\u{1}ção", createdAt: 1, expiresAt: -5)
        let bytes = RedisSessionRecord.encode(session)
        #expect(RedisSessionRecord.decode(bytes, id: session.id) == session)
    }

    @Test func foreignValuesAreNotSessions() {
        for text in ["", "{}", "[]", "{\"login\":1,\"created_at\":1,\"expires_at\":2}", "{\"login\":\"a\"", "garbage",
                     "{\"login\":\"a\",\"created_at\":1,\"expires_at\":2} x"] {
            #expect(RedisSessionRecord.decode(Array(text.utf8), id: "x") == nil, "\(text)")
        }
        #expect(RedisSessionRecord.decode(Array(" { \"expires_at\" : 2 , \"login\":\"a\",\"created_at\":1}".utf8), id: "x") != nil)
    }

    @Test func sessionIDs() {
        let id = RedisRandom.hex(byteCount: 32)
        #expect(RedisRandom.isSessionID(id))
        #expect(id != RedisRandom.hex(byteCount: 32))
        #expect(!RedisRandom.isSessionID(id.uppercased()))
        #expect(!RedisRandom.isSessionID(String(id.dropLast())))
        #expect(!RedisRandom.isSessionID("*" + id.dropFirst()))
    }
}
