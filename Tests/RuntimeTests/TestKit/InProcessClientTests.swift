import Dispatch
import PilotoHTTPCore
import PilotoTestKit
import Testing

/// The in-process client answers as the loop would: thrown errors mapped once, deferred answers
/// completed from another thread, HEAD without a body, `Connection: close` echoed, and upgrades
/// refused (they need a real connection).
struct InProcessClientTests {
    private struct Answering: HTTPResponder {
        let answer: @Sendable (HTTPRequest) throws(HTTPError) -> RouteResponse
        func respond(to request: HTTPRequest, context: inout RequestContext) throws(HTTPError) -> RouteResponse {
            try answer(request)
        }
    }

    private static func text(_ body: String) -> RouteResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain")
        return .response(HTTPResponse(status: .ok, headers: headers, body: .bytes(Array(body.utf8))))
    }

    @Test func response_isSerializedAsTheServerWouldWriteIt() throws {
        let client = InProcessClient(
            responder: Answering { request in Self.text("\(request.method) \(request.path) \(request.query ?? "-")") },
            extraHeaders: [("X-Frame-Options", "DENY")])
        let answer = try client.send("GET /a/%7Eb?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(answer.contains("\r\nConnection: close\r\n"))
        #expect(answer.contains("\r\nX-Frame-Options: DENY\r\n"))
        #expect(answer.hasSuffix("\r\nContent-Length: 13\r\n\r\nGET /a/~b x=1"))
    }

    @Test func head_hasNoBody_andKeepAliveHasNoClose() throws {
        let client = InProcessClient(responder: Answering { _ in Self.text("hello") })
        let answer = try client.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(answer.hasSuffix("Content-Length: 5\r\n\r\n"))
        #expect(!answer.contains("Connection: close"))
    }

    @Test func thrownError_becomesItsResponse() throws {
        let client = InProcessClient(responder: Answering { _ throws(HTTPError) in throw HTTPError(.notFound) })
        let answer = try client.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(answer.contains("application/json"))
    }

    @Test func deferred_isAwaited_whenCompletedFromAnotherThread() throws {
        let client = InProcessClient(responder: Answering { _ in
            let promise = ResponsePromise()
            DispatchQueue.global().async { promise.complete(Self.text("later")) }
            return .deferred(promise)
        })
        let answer = try client.send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi")
        #expect(answer.hasSuffix("\r\n\r\nlater"))
    }

    @Test func deferredNeverCompleted_timesOut_andBadBytesAreRefused() {
        let client = InProcessClient(responder: Answering { _ in .deferred(ResponsePromise()) })
        #expect(throws: InProcessClient.Failure.timedOut) {
            _ = try client.send(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), timeout: .milliseconds(20))
        }
        #expect(throws: InProcessClient.Failure.incomplete) {
            _ = try client.send(Array("GET / HTTP/1.1\r\nHost: h\r\n".utf8))
        }
        #expect(throws: InProcessClient.Failure.self) {
            _ = try client.send(Array("GET / HTTP/1.1\r\nHost : h\r\n\r\n".utf8))
        }
    }
}
