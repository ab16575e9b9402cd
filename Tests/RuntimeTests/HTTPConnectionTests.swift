import Testing
@testable import PilotoRuntime

/// The pure connection state machine, driven with hand-moved time (no sockets, no sleeps).
struct HTTPConnectionTests {
    let timeouts = ConnectionTimeouts(header: 1000, body: 2000, idle: 5000)

    func make(now: Int64 = 0) -> HTTPConnection {
        HTTPConnection(limits: .standard, timeouts: timeouts, now: now)
    }

    @Test func freshSilentConnection_closedAfterHeaderTimeout() {
        let c = make()
        #expect(c.timeoutAction(now: 999) == .none)
        #expect(c.timeoutAction(now: 1000) == .close)
    }

    @Test func slowloris_partialHead_gets408_evenIfBytesKeepComing() {
        var c = make()
        c.received(Array("GET / HTTP/1.1\r\n".utf8), now: 100)
        #expect(c.nextAction(now: 100) == nil)
        // A byte every so often does not extend the deadline: it runs from the head's first byte.
        c.received(Array("X".utf8), now: 900)
        #expect(c.nextAction(now: 900) == nil)
        #expect(c.timeoutAction(now: 1099) == .none)
        #expect(c.timeoutAction(now: 1100) == .requestTimeout)
    }

    @Test func slowBody_gets408() {
        var c = make()
        c.received(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc".utf8), now: 0)
        #expect(c.nextAction(now: 0) == nil)
        #expect(c.timeoutAction(now: 1999) == .none)
        #expect(c.timeoutAction(now: 2000) == .requestTimeout)
    }

    @Test func keepAlive_idleTimeoutAfterResponse() {
        var c = make()
        c.received(Array("GET /a HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: 10)
        guard case .dispatch(_, _, let path, _)? = c.nextAction(now: 10) else { Issue.record("no dispatch"); return }
        #expect(path == "/a")
        c.responseQueued(now: 20)
        #expect(c.isIdle)
        #expect(c.timeoutAction(now: 5019) == .none)
        #expect(c.timeoutAction(now: 5020) == .close)
    }

    @Test func expectContinue_thenDispatch() {
        var c = make()
        c.received(Array("PUT /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8), now: 0)
        #expect(c.nextAction(now: 0) == .sendContinue)
        #expect(c.nextAction(now: 0) == nil)
        c.received(Array("hi".utf8), now: 1)
        guard case .dispatch(_, let body, _, _)? = c.nextAction(now: 1) else { Issue.record("no dispatch"); return }
        #expect(body == Array("hi".utf8))
    }

    @Test func parseError_rejectsOnce_thenStops() {
        var c = make()
        c.received(Array("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8), now: 0)
        #expect(c.nextAction(now: 0) == .reject(.badRequest))
        #expect(c.closing)
        #expect(c.rejection == .parse(.contentLengthWithTransferEncoding))
        #expect(c.nextAction(now: 0) == nil)
    }

    @Test func connectionClose_stopsAfterThatRequest() {
        var c = make()
        c.received(Array("GET /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: 0)
        guard case .dispatch? = c.nextAction(now: 0) else { Issue.record("no dispatch"); return }
        #expect(c.closing)
        #expect(c.nextAction(now: 0) == nil)
    }

    @Test func badTarget_is400() {
        var c = make()
        c.received(Array("GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n".utf8), now: 0)
        #expect(c.nextAction(now: 0) == .reject(.badRequest))
    }

    @Test func pipelined_inOrder_andUpgradeLeftoverBytes() {
        var c = make()
        c.received(Array("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nraw".utf8), now: 0)
        var paths: [String] = []
        while let action = c.nextAction(now: 0) {
            if case .dispatch(_, _, let path, _) = action { paths.append(path) }
            if paths.count == 2 { break }
        }
        #expect(paths == ["/1", "/2"])
        #expect(c.takeRemainingBytes() == Array("raw".utf8))
    }
}
