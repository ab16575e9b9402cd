import Dispatch
import PilotoHTTPCore
import Synchronization

/// Drives an `HTTPResponder` the way a connection does, with no socket, loop or extra thread of
/// its own: the request bytes go through the core's connection state machine (`HTTPConnection`:
/// parser, target, limits, `100 Continue`, keep-alive), a thrown `HTTPError` becomes its response
/// as the loop makes it, a `.deferred` answer is awaited through the promise's `ResponseSink`
/// seam, refused bytes get the loop's error response, and the observer hears what the loop would
/// tell it. The answer comes back as the bytes the core's `ResponseSerializer` would queue. So a
/// test of routing, features, metrics or sessions asserts on the same wire bytes as over TCP,
/// without the port, the accept and the timing of a real server (Hummingbird's `.router` test
/// mode is the model). An upgrade hands the upgraded protocol over (`open`, `InProcessUpgrade`);
/// streamed exchanges need a real connection and are reported (`needsConnection`); timeouts,
/// back-pressure and draining are not simulated.
package struct InProcessClient: Sendable {
    package enum Failure: Error, Equatable {
        /// The bytes ended inside a request (the server would wait for the rest).
        case incomplete
        /// A deferred answer did not complete within the timeout.
        case timedOut
        /// The responder answered with an exchange (a proxied stream): use a real server for those.
        case needsConnection
    }

    private let responder: any HTTPResponder
    private let serializer: ResponseSerializer
    private let limits: HTTPParserLimits
    private let observer: (any RequestObserver)?
    private let connections: ConnectionCounters?
    private let remote: SocketAddress

    /// - Parameters:
    ///   - extraHeaders: `server.headers`, added to every response as the server does.
    ///   - limits: the parser's limits (head size, header count, body size), as the server's.
    ///   - observer: told about every answered or refused request, as the loop tells it (metrics,
    ///     access log).
    ///   - connections: counts each `send` as one accepted connection, active while it is answered.
    ///   - remote: the peer address the responder sees (rate limits, `trusted_hops`).
    package init(
        responder: any HTTPResponder, extraHeaders: [(String, String)] = [], limits: HTTPParserLimits = .standard,
        observer: (any RequestObserver)? = nil, connections: ConnectionCounters? = nil,
        remote: SocketAddress = SocketAddress(ip: "127.0.0.1", isLoopback: true)
    ) {
        self.responder = responder
        self.serializer = ResponseSerializer(extraHeaders: extraHeaders)
        self.limits = limits
        self.observer = observer
        self.connections = connections
        self.remote = remote
    }

    /// Sends raw HTTP/1.1 bytes on a fresh connection (one request, or several pipelined) and
    /// returns every byte the server would write before it waits for more or closes. An upgraded
    /// request's protocol gets the bytes after it, then the connection ends.
    package func send(_ raw: [UInt8], timeout: Duration = .seconds(30)) throws(Failure) -> [UInt8] {
        let (bytes, upgraded) = try open(raw, timeout: timeout)
        return bytes + (upgraded?.receive() ?? [])
    }

    /// `send`, keeping the connection when a request is upgraded (a WebSocket handshake): the
    /// bytes written up to the `101`, and the upgraded protocol, which already got the bytes sent
    /// after the request, for the test to talk to.
    package func open(
        _ raw: [UInt8], timeout: Duration = .seconds(30)
    ) throws(Failure) -> (bytes: [UInt8], upgraded: InProcessUpgrade?) {
        connections?.accepted.add(1, ordering: .relaxed)
        connections?.active.add(1, ordering: .relaxed)
        defer { connections?.active.subtract(1, ordering: .relaxed) }
        let responder = responder
        var http = HTTPConnection(
            limits: limits, timeouts: ConnectionTimeouts(header: .max, body: .max, idle: .max), now: 0,
            streamsBody: { head, path in responder.streamsRequestBody(head, path: path) })
        http.received(raw, now: 0)
        var queue = OutputQueue()
        var upgraded: InProcessUpgrade?
        while let action = http.nextAction(now: 0) {
            switch action {
            case .sendContinue:
                queue.append(ResponseSerializer.continueResponse)
            case .reject(let status):
                serializer.writeError(status, date: Self.date, into: &queue)
                observer?.rejected(status: status, reason: http.rejection, remote: remote, loop: 0)
            case .dispatch(let head, let body, let path, let query):
                upgraded = try answer(head, body: body, path: path, query: query, http: &http, into: &queue, timeout: timeout)
            case .dispatchStreaming(let head, let path, let query):
                upgraded = try answer(head, body: [], path: path, query: query, http: &http, into: &queue, timeout: timeout)
            case .bodyPiece, .bodyEnd, .bodyAborted:
                break  // only an exchange takes a streamed body, and exchanges are refused above
            }
        }
        guard http.isIdle || http.closing else { throw .incomplete }
        return (queue.queuedBytes, upgraded)
    }

    /// `send` for request text written in a test (CRLFs included).
    package func send(_ text: String, timeout: Duration = .seconds(30)) throws(Failure) -> String {
        String(decoding: try send(Array(text.utf8), timeout: timeout), as: UTF8.self)
    }

    /// One dispatched request, answered and serialized as the loop's `dispatch`, `finish` and
    /// `upgrade` do; the upgraded protocol when it was upgraded.
    private func answer(
        _ head: HTTPRequestHead, body: [UInt8], path: String, query: String?, http: inout HTTPConnection,
        into queue: inout OutputQueue, timeout: Duration
    ) throws(Failure) -> InProcessUpgrade? {
        let request = HTTPRequest(
            head: head, path: path, query: query, body: body, remote: remote, startNanos: SystemClock.nowNanoseconds())
        var context = RequestContext(loop: 0, connection: Self.handle)
        var answer: RouteResponse
        do { answer = try responder.respond(to: request, context: &context) } catch { answer = .response(error.response) }
        if case .deferred(let promise) = answer { answer = try Self.await(promise, timeout: timeout) }
        if case .exchange = answer { throw .needsConnection }
        // Nobody will take the rest of a streamed body: answer, then end the connection.
        if http.streamingBody { http.abandonStreamingBody() }
        let close = http.closing
        let before = queue.pendingBytes
        let status: HTTPStatus
        var upgraded: InProcessUpgrade?
        switch answer {
        case .response(let response):
            status = response.status
            serializer.write(response, includeBody: !head.isHead, close: close, date: Self.date, into: &queue)
        case .prebuilt(let response, let includeBody):
            status = response.status
            serializer.write(response, includeBody: includeBody, close: close, date: Self.date, into: &queue)
        case .upgrade(let response, let upgrader):
            if close {
                // No new long-lived session on a connection that must end: the loop answers 400.
                status = Self.writeError(HTTPError(.badRequest), serializer, includeBody: true, close: true, into: &queue)
            } else {
                status = response.status
                serializer.write(response, includeBody: false, close: false, date: Self.date, into: &queue)
                let upgrade = InProcessUpgrade(upgrader.makeConnection(for: request, handle: Self.handle))
                http.stopAfterCurrent()
                let leftover = http.takeRemainingBytes()
                if !leftover.isEmpty { upgrade.send(leftover) }
                upgraded = upgrade
            }
        case .deferred, .exchange:
            // A promise answered with another promise: the loop answers 500, so do we.
            status = Self.writeError(
                HTTPError(.internalServerError), serializer, includeBody: !head.isHead, close: close, into: &queue)
        }
        http.responseQueued(now: 0)
        observer?.completed(
            request, context: context, status: status, bytes: queue.pendingBytes - before,
            nanos: SystemClock.nowNanoseconds() - request.startNanos)
        return upgraded
    }

    private static let handle = ConnectionHandle(loop: 0, fd: -1, generation: 0)
    /// A fixed `Date` value: the wire shape is the server's, the clock is not part of the test.
    private static let date = DateHeader(epochSeconds: 0)

    private static func writeError(
        _ error: HTTPError, _ serializer: ResponseSerializer, includeBody: Bool, close: Bool, into queue: inout OutputQueue
    ) -> HTTPStatus {
        serializer.write(error.response, includeBody: includeBody, close: close, date: date, into: &queue)
        return error.status
    }

    private static func await(_ promise: ResponsePromise, timeout: Duration) throws(Failure) -> RouteResponse {
        let sink = WaitingSink()
        promise.attach(to: sink, handle: handle)
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
