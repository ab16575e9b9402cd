import Dispatch
import PilotoHTTPCore
import Synchronization

/// Drives an `HTTPResponder` the way a connection does, with no socket, loop or extra thread of
/// its own: the request bytes go through the core's `HTTPRequestParser` and `RequestTarget`, a
/// thrown `HTTPError` becomes its response as the loop makes it, a `.deferred` answer is awaited
/// through the promise's `ResponseSink` seam, and the answer comes back as the bytes the core's
/// `ResponseSerializer` would queue. So a test of routing, auth or sessions asserts on the same
/// wire bytes as over TCP, without the port, the accept and the timing of a real server
/// (Hummingbird's `.router` test mode is the model). Upgrades and streamed exchanges need a real
/// connection: they are reported, not simulated.
package struct InProcessClient: Sendable {
    package enum Failure: Error, Equatable {
        /// The bytes did not parse into one complete request (the server would answer 4xx).
        case unparsable(String)
        /// The bytes ended before the request did.
        case incomplete
        /// A deferred answer did not complete within the timeout.
        case timedOut
        /// The responder answered with an upgrade or an exchange: use a real server for those.
        case needsConnection
    }

    private let responder: any HTTPResponder
    private let serializer: ResponseSerializer
    private let remote: SocketAddress

    /// - Parameters:
    ///   - extraHeaders: `server.headers`, added to every response as the server does.
    ///   - remote: the peer address the responder sees (rate limits, `trusted_hops`).
    package init(
        responder: any HTTPResponder, extraHeaders: [(String, String)] = [],
        remote: SocketAddress = SocketAddress(ip: "127.0.0.1", isLoopback: true)
    ) {
        self.responder = responder
        self.serializer = ResponseSerializer(extraHeaders: extraHeaders)
        self.remote = remote
    }

    /// Sends one request (raw HTTP/1.1 bytes, e.g. as a curl would) and returns the response bytes.
    /// A response is followed by `Connection: close` when the request asked for it, as over TCP.
    package func send(_ raw: [UInt8], timeout: Duration = .seconds(30)) throws(Failure) -> [UInt8] {
        let (head, body) = try Self.parse(raw)
        let target: RequestTarget
        do { target = try RequestTarget.parse(head.target) } catch { throw .unparsable("\(error)") }
        let request = HTTPRequest(
            head: head, path: target.path, query: target.query, body: body, remote: remote,
            startNanos: SystemClock.nowNanoseconds())
        var context = RequestContext(loop: 0, connection: ConnectionHandle(loop: 0, fd: -1, generation: 0))
        var answer: RouteResponse
        do { answer = try responder.respond(to: request, context: &context) } catch { answer = .response(error.response) }
        if case .deferred(let promise) = answer { answer = try Self.await(promise, timeout: timeout) }
        var queue = OutputQueue()
        let date = DateHeader(epochSeconds: 0)
        let close = !head.keepAlive
        switch answer {
        case .response(let response):
            serializer.write(response, includeBody: !head.isHead, close: close, date: date, into: &queue)
        case .prebuilt(let response, let includeBody):
            serializer.write(response, includeBody: includeBody, close: close, date: date, into: &queue)
        case .deferred:
            // A promise answered with another promise: the loop answers 500, so do we.
            serializer.write(HTTPError(.internalServerError).response, includeBody: true, close: true, date: date, into: &queue)
        case .upgrade, .exchange:
            throw .needsConnection
        }
        return queue.queuedBytes
    }

    /// `send` for request text written in a test (CRLFs included).
    package func send(_ text: String, timeout: Duration = .seconds(30)) throws(Failure) -> String {
        String(decoding: try send(Array(text.utf8), timeout: timeout), as: UTF8.self)
    }

    private static func parse(_ raw: [UInt8]) throws(Failure) -> (HTTPRequestHead, [UInt8]) {
        var parser = HTTPRequestParser()
        parser.append(raw)
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        while true {
            let event: HTTPParserEvent?
            do { event = try parser.next() } catch { throw .unparsable("\(error)") }
            switch event {
            case .head(let h): head = h
            case .body(let piece): body += piece
            case .end:
                guard let head else { throw .incomplete }
                return (head, body)
            case nil: throw .incomplete
            }
        }
    }

    private static func await(_ promise: ResponsePromise, timeout: Duration) throws(Failure) -> RouteResponse {
        let sink = WaitingSink()
        promise.attach(to: sink, handle: ConnectionHandle(loop: 0, fd: -1, generation: 0))
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard sink.done.wait(timeout: .now() + .nanoseconds(Int(nanos))) == .success,
            let answer = sink.answer.withLock({ $0 })
        else { throw .timedOut }
        return answer
    }
}

/// Takes a promise's answer from whichever thread completes it (a hashing pool, a Redis reply).
private final class WaitingSink: ResponseSink {
    let answer = Mutex<RouteResponse?>(nil)
    let done = DispatchSemaphore(value: 0)

    func complete(_ connection: ConnectionHandle, with response: RouteResponse) {
        answer.withLock { $0 = response }
        done.signal()
    }
}
