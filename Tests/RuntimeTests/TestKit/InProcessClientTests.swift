import Dispatch
import Foundation
import PilotoHTTPCore
import PilotoTestKit
import Synchronization
import Testing

/// The in-process client answers as the loop would: thrown errors mapped once, deferred answers
/// completed from another thread, HEAD without a body, `Connection: close` echoed, pipelined
/// requests in order, refused bytes answered and closed, the observer told of each.
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

    @Test func deferredNeverCompleted_timesOut_andIncompleteBytesAreReported() {
        let client = InProcessClient(responder: Answering { _ in .deferred(ResponsePromise()) })
        #expect(throws: InProcessClient.Failure.timedOut) {
            _ = try client.send(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), timeout: .milliseconds(20))
        }
        #expect(throws: InProcessClient.Failure.incomplete) {
            _ = try client.send(Array("GET / HTTP/1.1\r\nHost: h\r\n".utf8))
        }
    }

    @Test func badBytes_getTheLoopsErrorResponse_andTheObserverHearsOfThem() throws {
        let observer = RecordingObserver()
        let client = InProcessClient(responder: Answering { _ in Self.text("never") }, observer: observer)
        let answer = try client.send("GET / HTTP/1.1\r\nHost : h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(answer.contains("\r\nConnection: close\r\n"))
        #expect(!answer.contains("never"))  // nothing is read after a refused request
        #expect(observer.events == ["rejected 400"])
    }

    @Test func pipelined_answeredInOrder_eachToldToTheObserver_oneConnectionCounted() throws {
        let observer = RecordingObserver()
        let counters = ConnectionCounters()
        let client = InProcessClient(
            responder: Answering { request in Self.text(request.path) }, observer: observer, connections: counters)
        let answer = try client.send(
            "GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /bb HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /d HTTP/1.1\r\nHost: h\r\n\r\n")
        let responses = answer.components(separatedBy: "HTTP/1.1 200 OK\r\n").dropFirst()
        #expect(responses.count == 3)  // nothing after `Connection: close`
        #expect(responses.map { $0.hasSuffix("\r\n\r\n/a") } == [true, false, false])
        #expect(responses.map { $0.contains("Content-Length: 3\r\n") } == [false, true, false])  // HEAD: length, no body
        #expect(responses.map { $0.contains("Connection: close") } == [false, false, true])
        #expect(answer.hasSuffix("\r\n\r\n/c"))
        #expect(observer.events == ["/a 200", "/bb 200", "/c 200"])
        #expect(counters.accepted.load(ordering: .relaxed) == 1)
        #expect(counters.active.load(ordering: .relaxed) == 0)
    }

    @Test func expectContinue_isAnsweredBeforeTheResponse() throws {
        let client = InProcessClient(responder: Answering { request in Self.text("\(request.body.count)") })
        let answer = try client.send(
            "POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody")
        #expect(answer.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(answer.hasSuffix("\r\n\r\n4"))
    }
}

/// Writes down what the loop would tell the metrics: "path status" per answer, "rejected status".
private final class RecordingObserver: RequestObserver {
    private let log = Mutex<[String]>([])
    var events: [String] { log.withLock { $0 } }

    func completed(_ request: HTTPRequest, context: RequestContext, status: HTTPStatus, bytes: Int, nanos: Int64) {
        log.withLock { $0.append("\(request.path) \(status.code)") }
    }
    func rejected(status: HTTPStatus, reason: HTTPRejection?, remote: SocketAddress, loop: Int) {
        log.withLock { $0.append("rejected \(status.code)") }
    }
    func loopFailed(_ operation: String, errno: Int32) {}
}
