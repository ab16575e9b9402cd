import Testing
@testable import PilotoHTTPCore
@testable import PilotoRuntime

struct HTTPResponseParserTests {
    typealias H = ResponseParserHarness

    /// Feeds `text` every way and checks all ways agree; returns the reference outcome.
    @discardableResult
    static func agreed(_ text: String, toHead: [Bool] = [], limits: HTTPResponseParserLimits = H.limits) -> ResponseOutcome {
        let results = H.allSplits(text, toHead: toHead, limits: limits)
        let reference = results[0].1
        for (name, outcome) in results { #expect(outcome == reference, "\(name)") }
        return reference
    }

    static func head(
        _ status: Int, _ reason: String = "OK", _ fields: [(String, String)], _ framing: ResponseFraming,
        keepAlive: Bool, version: HTTPVersion = .http11
    ) -> HTTPResponseHead {
        HTTPResponseHead(
            version: version, status: status, reason: reason, headers: HTTPHeaders(fields.map { (name: $0.0, value: $0.1) }),
            framing: framing, keepAlive: keepAlive)
    }

    // MARK: valid shapes

    @Test func contentLength_bodyThenEnd() {
        let outcome = Self.agreed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")
        let expected = Self.head(200, "OK", [("Content-Length", "5"), ("Content-Type", "text/plain")], .length(5), keepAlive: true)
        #expect(outcome == ResponseOutcome(events: [.head(expected), .body(H.bytes("hello")), .end]))
    }

    @Test func chunked_extensionsIgnored_trailersDropped() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n1A ; x\r\n"
            + String(repeating: "z", count: 26) + "\r\n0\r\nX-Trailer: 1\r\nX-Other: two\r\n\r\n"
        let outcome = Self.agreed(text)
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.framing) == [.chunked])
        #expect(outcome.heads.first?.keepAlive == true)
        #expect(outcome.body == H.bytes("hello" + String(repeating: "z", count: 26)))
        #expect(outcome.events.last == .end)
        #expect(outcome.events.count == 3)
    }

    @Test func noFraming_readsUntilClose_notReused() {
        let outcome = Self.agreed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\n")
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.framing) == [.untilClose])
        #expect(outcome.heads.first?.keepAlive == false)
        #expect(outcome.body == H.bytes("data: 1\n\ndata: 2\n\n"))
        #expect(outcome.events.last == .end)  // from finish()
    }

    @Test func untilClose_withoutFinish_hasNoEnd() {
        let all = H.bytes("HTTP/1.1 200 OK\r\n\r\nabc")
        let outcome = H.parse([all[...]], finish: false)
        #expect(outcome.events.last == .body(H.bytes("abc")))
    }

    @Test func keepAlive_rules() {
        let cases: [(String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", false),
            ("HTTP/1.1 204 No Content\r\n\r\n", true),
        ]
        for (text, keepAlive) in cases {
            let outcome = Self.agreed(text)
            #expect(outcome.error == nil, "\(text)")
            #expect(outcome.heads.map(\.keepAlive) == [keepAlive], "\(text)")
        }
    }

    @Test func transferEncoding_winsOverContentLength() {
        let outcome = Self.agreed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(outcome.heads.map(\.framing) == [.chunked])
        #expect(outcome.body == H.bytes("abc"))
        #expect(outcome.events.last == .end)
    }

    @Test func transferEncoding_notFinalChunked_untilClose() {
        for te in ["gzip", "chunked, gzip", "identity"] {
            let outcome = Self.agreed("HTTP/1.1 200 OK\r\nTransfer-Encoding: \(te)\r\n\r\nraw bytes")
            #expect(outcome.heads.map(\.framing) == [.untilClose], "\(te)")
            #expect(outcome.heads.first?.keepAlive == false)
            #expect(outcome.body == H.bytes("raw bytes"))
        }
        let gzipChunked = Self.agreed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(gzipChunked.heads.map(\.framing) == [.chunked])
    }

    @Test func bodylessStatuses_and_HEAD_endAtTheHead() {
        for text in [
            "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ] {
            let outcome = Self.agreed(text)
            #expect(outcome.heads.map(\.framing) == [ResponseFraming.none], "\(text)")
            #expect(outcome.events.count == 2 && outcome.events.last == .end, "\(text)")
        }
        let head = Self.agreed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", toHead: [true])
        #expect(head.heads.map(\.framing) == [ResponseFraming.none])
        #expect(head.heads.first?.keepAlive == true)
        #expect(head.events.last == .end)
        // Without `toHead` the same head waits for 100 body bytes.
        #expect(Self.agreed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n").error == .truncated)
    }

    @Test func interimResponses_skipped() {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        let outcome = Self.agreed(text)
        #expect(outcome.heads.map(\.status) == [201])
        #expect(outcome.body == H.bytes("ok"))
        #expect(outcome.events.last == .end)
    }

    @Test func switchingProtocols_stopsAndLeavesTheTunnelBytes() {
        let text = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{05}hello"
        let outcome = Self.agreed(text)
        #expect(outcome.heads.map(\.status) == [101])
        #expect(outcome.heads.first?.framing == ResponseFraming.none)
        #expect(outcome.heads.first?.keepAlive == false)
        #expect(outcome.events.count == 1)
        #expect(outcome.tunnel == H.bytes("\u{81}\u{05}hello"))
    }

    @Test func switchingProtocols_parseReturnsEvenOnProceed() throws {
        var parser = HTTPResponseParser()
        parser.expectResponse(toHead: false)
        let bytes = H.bytes("HTTP/1.1 101 Switching Protocols\r\n\r\nTUNNEL")
        var events = 0
        let consumed = try parser.feed(Array(bytes)) { _ in
            events += 1
            return .proceed
        }
        #expect(consumed == bytes.count - 6)
        #expect(events == 1)
        #expect(try parser.finish() == false)
    }

    @Test func statusLine_shapes() {
        let cases: [(String, Int, String)] = [
            ("HTTP/1.1 204\r\n\r\n", 204, ""),
            ("HTTP/1.1 204 \r\n\r\n", 204, ""),
            ("HTTP/1.1 404 Not Found Here\r\nContent-Length: 0\r\n\r\n", 404, "Not Found Here"),
            ("HTTP/1.1 599 Whatever\tTab\r\nContent-Length: 0\r\n\r\n", 599, "Whatever\tTab"),
            ("HTTP/1.1 200 Caf\u{e9}\r\nContent-Length: 0\r\n\r\n", 200, "Caf\u{e9}"),
        ]
        for (text, status, reason) in cases {
            let outcome = Self.agreed(text)
            #expect(outcome.heads.map(\.status) == [status], "\(text)")
            #expect(outcome.heads.map(\.reason) == [reason], "\(text)")
        }
    }

    @Test func contentLength_identicalList_isOneValue() {
        let outcome = Self.agreed("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(outcome.heads.map(\.framing) == [.length(3)])
        #expect(outcome.body == H.bytes("abc"))
    }

    @Test func keepAliveSequence_twoResponsesOnOneConnection() {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
        let outcome = Self.agreed(text, toHead: [false, true, false])
        #expect(outcome.error == nil)
        #expect(outcome.heads.map(\.framing) == [.length(3), .none, .chunked])
        #expect(outcome.events.filter { $0 == .end }.count == 3)
        #expect(outcome.body == H.bytes("abcde"))
    }

    @Test func headerFields_keptInOrderWithHopByHop() {
        let outcome = Self.agreed(
            "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nConnection: keep-alive\r\nSet-Cookie: b=2\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n")
        let headers = outcome.heads.first?.headers
        #expect(headers?.values("set-cookie") == ["a=1", "b=2"])
        #expect(headers?["x-empty"] == "")
        #expect(headers?.count == 5)
    }

    // MARK: errors

    /// Every rejection rule: the same typed error for every split of the input.
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", HTTPResponseParseError.invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1111111111111111\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" + String(repeating: "e", count: 70) + "\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", .invalidChunkFraming),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX", .invalidChunkFraming),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\n\r\n", .invalidLineEnding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n folded\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nnocolon\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + String(repeating: "t", count: 1100) + "\r\n\r\n", .headTooLarge),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\n\tfolded\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n", .whitespaceBeforeColon),
        ("HTTP/1.1 200 OK\r\nX-A: b\u{0}c\r\n\r\n", .invalidHeaderValue),
        ("HTTP/1.1 200 OK\r\nX-A: b\rc\r\n\r\n", .invalidHeaderValue),
        ("HTTP/1.1 200 OK\r\nX(A): b\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\r\n: b\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", .invalidHeaderName),
        ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", .invalidLineEnding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", .invalidLineEnding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", .invalidLineEnding),
        ("HTTP/1.1 200 O\u{1}K\r\n\r\n", .invalidHeaderValue),
        ("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/1.2 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/0.9 200 OK\r\n\r\n", .unsupportedVersion),
        ("http/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1  200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 20 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 2x0 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .invalidStatus),
        ("HTTP/1.1 600 High\r\n\r\n", .invalidStatus),
        ("\r\nHTTP/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200 OK\r\n" + String(repeating: "X-A: 1\r\n", count: 11) + "\r\n", .tooManyHeaders),
        ("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 1100) + "\r\n\r\n", .headTooLarge),
        ("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 1100), .headTooLarge),
        (String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 50), .headTooLarge),
    ] as [(String, HTTPResponseParseError)])
    func invalidResponse_rejectedForEverySplit(_ text: String, _ expected: HTTPResponseParseError) {
        for (name, outcome) in H.allSplits(text) {
            #expect(outcome.error == expected, "\(name): \(outcome)")
        }
    }

    /// The upstream closing early: truncated heads and bodies are errors, never a short success.
    @Test(arguments: [
        ("", HTTPResponseParseError.closedBeforeResponse),
        ("H", .truncated),
        ("HTTP/1.1 200 OK\r\nContent-", .truncated),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", .truncated),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello", .truncated),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", .truncated),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", .truncated),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n", .truncated),
        ("HTTP/1.1 100 Continue\r\n\r\n", .truncated),
    ] as [(String, HTTPResponseParseError)])
    func closedEarly_isAnError(_ text: String, _ expected: HTTPResponseParseError) {
        for (name, outcome) in H.allSplits(text) {
            #expect(outcome.error == expected, "\(name): \(outcome)")
        }
    }

    @Test func errorIsSticky() {
        var parser = HTTPResponseParser()
        let bad = H.bytes("HTTP/1.1 200 OK\r\nX : y\r\n\r\n")
        let good = H.bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        for bytes in [bad, good] {
            #expect(throws: HTTPResponseParseError.whitespaceBeforeColon) {
                _ = try parser.feed(bytes) { _ in .proceed }
            }
        }
        parser.expectResponse(toHead: false)
        #expect(throws: HTTPResponseParseError.whitespaceBeforeColon) { try parser.finish() }
    }

    /// Bytes past a response (a body sent to HEAD, a miscounted Content-Length) mean the pooled
    /// connection is out of step: an error, after the complete response was delivered.
    @Test(arguments: [
        ("HTTP/1.1 204 No Content\r\n\r\nextra", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab", false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", true),
    ])
    func bytesAfterTheResponse_areUnsolicited(_ text: String, toHead: Bool) {
        var parser = HTTPResponseParser()
        parser.expectResponse(toHead: toHead)
        var ends = 0
        #expect(throws: HTTPResponseParseError.unsolicitedBytes) {
            _ = try parser.feed(H.bytes(text)) { event in
                if case .end = event { ends += 1 }
                return .proceed
            }
        }
        #expect(ends == 1)
    }

    @Test func finish_whenIdle_isClean() throws {
        var parser = HTTPResponseParser()
        let bytes = H.bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        _ = try parser.feed(bytes) { _ in .proceed }
        #expect(parser.isIdle)
        #expect(try parser.finish() == false)
    }

    // MARK: zero copy and back-pressure

    @Test func bodyViews_pointIntoTheCallersBuffer() throws {
        var parser = HTTPResponseParser()
        let bytes = H.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n")
        var offsets: [Int] = []
        _ = try parser.feed(bytes) { raw, event in
            if case .body(let view) = event { offsets.append(raw.baseAddress!.distance(to: view.baseAddress!)) }
            return .proceed
        }
        #expect(offsets == [50, 60])
        #expect(bytes[50] == UInt8(ascii: "h") && bytes[60] == UInt8(ascii: "a"))
    }

    @Test func stopAfterHead_leavesTheBodyUnconsumed_thenResumes() throws {
        var parser = HTTPResponseParser()
        let bytes = H.bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody")
        var seen: [String] = []
        let first = try parser.feed(Array(bytes)) { event in
            seen.append("\(event)".prefix(4).description)
            return .stop
        }
        #expect(first == bytes.count - 4)
        #expect(seen.count == 1)
        let second = try parser.feed(Array(bytes[first...])) { event in
            if case .body(let view) = event { seen.append(String(decoding: view, as: UTF8.self)) }
            if case .end = event { seen.append("end") }
            return .proceed
        }
        #expect(second == 4)
        #expect(seen.dropFirst() == ["body", "end"])
    }

    @Test func pendingEnd_deliveredOnAnEmptyParse() throws {
        var parser = HTTPResponseParser()
        let bytes = H.bytes("HTTP/1.1 204 No Content\r\n\r\n")
        var ends = 0
        let consumed = try parser.feed(Array(bytes)) { _ in .stop }
        #expect(consumed == bytes.count)
        #expect(!parser.isIdle)
        _ = try parser.feed([]) { event in
            if case .end = event { ends += 1 }
            return .proceed
        }
        #expect(ends == 1)
        #expect(parser.isIdle)
    }

    /// A large body in many reads: the parser buffers nothing of it (pieces equal the reads).
    @Test func largeLengthBody_streamsInReadSizedPieces() throws {
        var parser = HTTPResponseParser()
        let total = 1 << 20
        let head = H.bytes("HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\n\r\n")
        _ = try parser.feed(head) { _ in .proceed }
        let read = [UInt8](repeating: 0x61, count: 16 * 1024)
        var received = 0, pieces = 0, ended = false
        for _ in 0..<(total / read.count) {
            _ = try parser.feed(Array(read)) { event in
                if case .body(let view) = event {
                    received += view.count
                    pieces += 1
                }
                if case .end = event { ended = true }
                return .proceed
            }
        }
        #expect(received == total && pieces == total / read.count && ended)
    }

    // MARK: randomized

    /// Mutated valid responses and token soup: never a crash, and every split agrees.
    @Test func randomized_neverCrashes_andSplitsAgree() {
        let seeds = [
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: 1\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\n\r\nxyz",
            "HTTP/1.0 200 OK\r\n\r\nrest",
        ].map(H.bytes)
        let alphabet = H.bytes("HTTP/1.1 200 OK\r\n:;,0123456789aAfF \t\0\u{7f}chunked Content-Length Transfer-Encoding\n")
        var generator = SplitMix64(state: 0x5EED)
        var errors = 0, successes = 0
        for round in 0..<400 {
            var input = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...input.count, using: &generator)
                let byte = alphabet.randomElement(using: &generator)!
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: input.insert(byte, at: position)
                case 1 where position < input.count: input[position] = byte
                default: if position < input.count { input.remove(at: position) }
                }
            }
            if round % 5 == 4 {
                input = (0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            }
            let whole = H.parse([input[...]])
            if whole.error == nil { successes += 1 } else { errors += 1 }
            let single = H.parse(input.indices.map { input[$0...$0] }, stopAlways: round % 2 == 0)
            #expect(single == whole, "round \(round): \(String(decoding: input, as: UTF8.self).debugDescription)")
            let pieces = H.randomPieces(input, using: &generator)
            #expect(H.parse(pieces) == whole, "round \(round)")
        }
        #expect(errors > 0 && successes > 0)
    }
}
