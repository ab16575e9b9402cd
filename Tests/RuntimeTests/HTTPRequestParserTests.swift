import Testing
@testable import PilotoRuntime

struct HTTPRequestParserTests {
    /// Valid shapes: each fed whole, byte by byte and split at every index gives the same events.
    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x?y=1 HTTP/1.0\r\n\r\n",
        "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc",
        "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Obs: caf\u{e9}\r\n\r\n",
    ])
    func validRequest_sameEventsForEverySplit(_ text: String) throws {
        let results = ParserHarness.allSplits(text)
        let reference = results[0].1
        guard case .events(let events) = reference else {
            Issue.record("whole input failed: \(reference)")
            return
        }
        #expect(events.last == .end)
        for (name, outcome) in results { #expect(outcome == reference, "\(name)") }
    }

    @Test func simpleGet_headFields() throws {
        let outcome = ParserHarness.whole("GET /a%20b?q=1 HTTP/1.1\r\nHost: example\r\nAccept:  text/html \r\n\r\n")
        guard case .events(let events) = outcome, case .head(let head) = events.first else {
            Issue.record("\(outcome)")
            return
        }
        #expect(head.method == "GET")
        #expect(head.target == "/a%20b?q=1")
        #expect(head.version == .http11)
        #expect(head.headers["accept"] == "text/html")
        #expect(head.keepAlive)
        #expect(head.framing == .none)
        #expect(events == [.head(head), .end])
    }

    @Test func chunkedBody_joined() {
        let text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n"
        guard case .events(let events) = ParserHarness.whole(text) else { Issue.record("failed"); return }
        #expect(events.dropFirst().first == .body(Array("hello0123456789".utf8)))
        #expect(events.last == .end)
    }

    @Test func http10_closesByDefault_andConnectionClose() {
        if case .events(let e) = ParserHarness.whole("GET / HTTP/1.0\r\n\r\n"), case .head(let h) = e.first {
            #expect(!h.keepAlive)
        } else { Issue.record("1.0") }
        if case .events(let e) = ParserHarness.whole("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n"),
            case .head(let h) = e.first
        {
            #expect(!h.keepAlive)
        } else { Issue.record("close") }
    }

    @Test func expectContinue_flagged() {
        let text = "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"
        guard case .events(let e) = ParserHarness.whole(text), case .head(let h) = e.first else { Issue.record("x"); return }
        #expect(h.expectContinue)
    }

    /// Every rejection rule: the same typed error for every split of the input.
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", HTTPParseError.contentLengthWithTransferEncoding),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .invalidContentLength),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n", .invalidContentLength),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", .invalidContentLength),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", .invalidContentLength),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", .unsupportedTransferCoding),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .chunkedNotFinal),
        ("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .multipleHost),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/11\r\nHost: a\r\n\r\n", .invalidVersion),
        ("GET / http/1.1\r\nHost: a\r\n\r\n", .invalidVersion),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestLine),
        ("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidVersion),
        ("GET /\u{7f} HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        ("GET\r\nHost: a\r\n\r\n", .invalidRequestLine),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", .invalidLineEnding),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", .invalidLineEnding),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1}c\r\n\r\n", .invalidHeaderValue),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", .invalidHeaderValue),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n", .invalidHeaderValue),
        ("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", .invalidHeaderName),
        ("GET / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", .unsupportedExpectation),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", .bodyTooLarge),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", .bodyTooLarge),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n", .bodyTooLarge),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" + String(repeating: "x", count: 80) + "\r\n20\r\n", .bodyTooLarge),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1111111111111111\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", .invalidChunkFraming),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\n\r\n", .invalidLineEnding),
    ] as [(String, HTTPParseError)])
    func invalidRequest_rejectedForEverySplit(_ text: String, _ expected: HTTPParseError) {
        for (name, outcome) in ParserHarness.allSplits(text) {
            guard case .error(let error, _) = outcome else {
                Issue.record("\(name): accepted \(outcome)")
                continue
            }
            #expect(error == expected, "\(name)")
        }
    }

    @Test func errorStatuses() {
        #expect(HTTPParseError.requestLineTooLong.status.code == 414)
        #expect(HTTPParseError.headersTooLarge.status.code == 431)
        #expect(HTTPParseError.tooManyHeaders.status.code == 431)
        #expect(HTTPParseError.bodyTooLarge.status.code == 413)
        #expect(HTTPParseError.unsupportedTransferCoding.status.code == 501)
        #expect(HTTPParseError.unsupportedVersion.status.code == 505)
        #expect(HTTPParseError.contentLengthWithTransferEncoding.status.code == 400)
        #expect(HTTPParseError.unsupportedExpectation.status.code == 417)
    }

    @Test func longRequestLine_is414_evenBeforeLineEnds() {
        let text = "GET /" + String(repeating: "a", count: 2000)
        for (name, outcome) in ParserHarness.allSplits(text) {
            #expect(outcome == .error(.requestLineTooLong, after: []), "\(name)")
        }
    }

    @Test func largeHeaders_is431() {
        let text = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 1100) + "\r\n\r\n"
        #expect(ParserHarness.whole(text) == .error(.headersTooLarge, after: []))
        let unterminated = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 1100)
        #expect(ParserHarness.whole(unterminated) == .error(.headersTooLarge, after: []))
    }

    @Test func tooManyHeaders_is431() {
        var text = "GET / HTTP/1.1\r\nHost: a\r\n"
        for i in 0..<10 { text += "X-\(i): v\r\n" }
        #expect(ParserHarness.whole(text + "\r\n") == .error(.tooManyHeaders, after: []))
    }

    @Test func errorIsSticky_andPipelinedAfterErrorNotParsed() throws {
        var parser = HTTPRequestParser(limits: ParserHarness.limits)
        parser.append(Array("GET / HTTP/1.1\r\nHost : a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.whitespaceBeforeColon) { try parser.next() }
        #expect(throws: HTTPParseError.whitespaceBeforeColon) { try parser.next() }
    }

    /// A peer that closes now cut a request short: the connection sees the parser is not idle.
    @Test func partialHead_isNotIdle_untilTheRequestEnds() throws {
        var parser = HTTPRequestParser()
        #expect(parser.isIdle)
        parser.append(Array("GET / HT".utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.isIdle)
        #expect(parser.isReadingHead)
        parser.append(Array("TP/1.1\r\nHost: a\r\n\r\n".utf8))
        guard case .head? = try parser.next() else { Issue.record("no head"); return }
        #expect(try parser.next() == .end)
        #expect(parser.isIdle)
    }

    @Test func takeRemainingBytes_handsOverPipelinedBytes() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /ws HTTP/1.1\r\nHost: a\r\n\r\n\u{81}\u{80}rest".utf8))
        guard case .head? = try parser.next() else { Issue.record("no head"); return }
        #expect(try parser.next() == .end)
        #expect(parser.takeRemainingBytes() == Array("\u{81}\u{80}rest".utf8))
        #expect(parser.isIdle)
    }

    @Test func manyPipelined_bufferCompacts() throws {
        var parser = HTTPRequestParser()
        let one = Array("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        var heads = 0
        for _ in 0..<2000 {
            parser.append(one)
            while let event = try parser.next() { if case .head = event { heads += 1 } }
        }
        #expect(heads == 2000)
        #expect(parser.bufferedByteCount == 0)
    }
}
