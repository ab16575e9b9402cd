/// Timeouts a connection enforces, in milliseconds (from `server.limits`).
package struct ConnectionTimeouts: Sendable, Equatable {
    /// First byte of a request head to its end (and a fresh connection's first byte): 408.
    package var header: Int64
    /// Head complete to body complete: 408.
    package var body: Int64
    /// Between requests on a kept-alive connection: silent close.
    package var idle: Int64

    package init(header: Int64, body: Int64, idle: Int64) {
        self.header = header
        self.body = body
        self.idle = idle
    }
}

/// The per-connection HTTP/1.1 state machine: pure, no sockets, time passed in.
///
/// The driver pushes bytes with `received`, then pulls `nextAction` until nil and carries each
/// action out. Requests come out strictly in order and the driver answers each before pulling the
/// next, so pipelined responses are in order by construction (RFC 9112 §9.3.2).
package struct HTTPConnection: Sendable {
    package enum Action: Sendable, Equatable {
        /// A complete request to route and answer.
        case dispatch(HTTPRequestHead, body: [UInt8], path: String, query: String?)
        /// Send `100 Continue` (RFC 9110 §10.1.1): the client waits for it before the body.
        case sendContinue
        /// Answer with this status and `Connection: close`, then close (RFC 9112 §11.2).
        case reject(HTTPStatus)
        /// A request whose body the responder takes as it arrives (`streamsBody`): dispatched at
        /// the end of its head; `.bodyPiece`s and one `.bodyEnd` follow.
        case dispatchStreaming(HTTPRequestHead, path: String, query: String?)
        case bodyPiece([UInt8])
        case bodyEnd
        /// The streamed body broke midway (bad chunk framing, over the limit): it must not be
        /// completed upstream; the connection closes.
        case bodyAborted
    }

    /// Which requests stream their body instead of being buffered whole (a proxied upload):
    /// asked once per request with a body, at the end of its head, with the normalized path.
    package typealias BodyStreamingPredicate = @Sendable (HTTPRequestHead, String) -> Bool

    /// What the driver must do when a deadline passed.
    package enum TimeoutAction: Sendable, Equatable {
        case none
        /// Silent close: idle keep-alive, or a fresh connection that never sent a byte.
        case close
        /// 408 then close: a head or body that did not arrive in time (slowloris).
        case requestTimeout
    }

    private var parser: HTTPRequestParser
    private let timeouts: ConnectionTimeouts
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// When the current phase started (accept, head's first byte, head complete, last response).
    private var phaseStart: Int64
    private var readingHeadSince: Int64?
    private var readingBodySince: Int64?
    /// No more requests are taken (error, `Connection: close`, 1.0, drain).
    package private(set) var closing = false
    /// Why the last `.reject` (or `.bodyAborted`) happened, typed, for the observer.
    package private(set) var rejection: HTTPRejection?
    /// Requests answered so far; before the first one a silent connection gets the header timeout.
    package private(set) var requestsServed = 0
    private let streamsBody: BodyStreamingPredicate?
    /// The current request's body goes out piece by piece.
    package private(set) var streamingBody = false
    /// A streaming dispatch held back until `100 Continue` is out (it must precede any answer).
    private var heldDispatch: Action?

    package init(
        limits: HTTPParserLimits, timeouts: ConnectionTimeouts, now: Int64, streamsBody: BodyStreamingPredicate? = nil
    ) {
        parser = HTTPRequestParser(limits: limits)
        self.timeouts = timeouts
        self.streamsBody = streamsBody
        phaseStart = now
    }

    /// Pushes bytes read from the socket.
    package mutating func received(_ bytes: UnsafeRawBufferPointer, now: Int64) {
        guard !closing else { return }
        if parser.isIdle && head == nil && readingHeadSince == nil { readingHeadSince = now }
        parser.append(bytes)
    }

    /// Test convenience.
    package mutating func received(_ bytes: [UInt8], now: Int64) {
        bytes.withUnsafeBytes { received($0, now: now) }
    }

    /// True when nothing is in progress: no partial request (safe to close when draining).
    package var isIdle: Bool { parser.isIdle && head == nil }

    /// The next thing to do, or nil when more bytes are needed.
    package mutating func nextAction(now: Int64) -> Action? {
        if let held = heldDispatch {
            heldDispatch = nil
            return held
        }
        guard !closing || streamingBody else { return nil }
        do {
            while let event = try parser.next() {
                // `consume`: the head moves out of the event instead of being copied (a retain per
                // field) and released with it.
                switch consume event {
                case .head(let newHead):
                    readingHeadSince = nil
                    readingBodySince = now
                    body.removeAll(keepingCapacity: true)
                    let hasBody = newHead.framing != .none && newHead.framing != .length(0)
                    if hasBody, let streamsBody, let target = try? RequestTarget.parse(newHead.target),
                        streamsBody(newHead, target.path)
                    {
                        head = newHead
                        streamingBody = true
                        if !newHead.keepAlive { closing = true }
                        let dispatch = Action.dispatchStreaming(newHead, path: target.path, query: target.query)
                        guard newHead.expectContinue else { return dispatch }
                        heldDispatch = dispatch
                        return .sendContinue
                    }
                    let expectsContinue = newHead.expectContinue && hasBody
                    // Last use: the head moves into place.
                    head = newHead
                    if expectsContinue {
                        return .sendContinue
                    }
                case .body(let piece):
                    if streamingBody {
                        readingBodySince = now  // progress-based while streaming: a big upload is no slowloris
                        return .bodyPiece(piece)
                    }
                    body += piece
                case .end:
                    if streamingBody {
                        streamingBody = false
                        head = nil
                        readingBodySince = nil
                        requestsServed += 1
                        phaseStart = now
                        return .bodyEnd
                    }
                    guard let done = head.take() else { continue }
                    readingBodySince = nil
                    if !parser.isIdle { readingHeadSince = now }
                    let target: RequestTarget
                    do {
                        target = try RequestTarget.parse(done.target)
                    } catch {
                        closing = true
                        rejection = .target(error)
                        return .reject(.badRequest)
                    }
                    if !done.keepAlive { closing = true }
                    requestsServed += 1
                    phaseStart = now
                    let requestBody = body
                    body = []
                    return .dispatch(done, body: requestBody, path: target.path, query: target.query)
                }
            }
        } catch {
            closing = true
            rejection = .parse(error)
            if streamingBody {
                // The head was dispatched already (an exchange runs): the body broke midway.
                streamingBody = false
                return .bodyAborted
            }
            return .reject(error.status)
        }
        return nil
    }

    /// The body being streamed will not be read any further (its request was answered without
    /// taking it): the connection must close after the answer.
    package mutating func abandonStreamingBody() {
        streamingBody = false
        closing = true
    }

    /// The response to the last dispatched request was queued; the idle clock restarts.
    package mutating func responseQueued(now: Int64) {
        phaseStart = now
        if parser.isIdle { readingHeadSince = nil } else if readingHeadSince == nil { readingHeadSince = now }
    }

    /// Stop taking new requests after the current one (drain, or a handler asked to close).
    package mutating func stopAfterCurrent() { closing = true }

    /// Bytes read past the last request, handed over on a protocol upgrade.
    package mutating func takeRemainingBytes() -> [UInt8] { parser.takeRemainingBytes() }

    /// The earliest time something must happen, for the driver's timer sweep.
    package func deadline() -> Int64 {
        if let since = readingBodySince { return since + timeouts.body }
        if let since = readingHeadSince { return since + timeouts.header }
        if requestsServed == 0 { return phaseStart + timeouts.header }
        return phaseStart + timeouts.idle
    }

    /// What a passed deadline means; `.none` when it has not passed yet.
    package func timeoutAction(now: Int64) -> TimeoutAction {
        guard now >= deadline() else { return .none }
        if readingBodySince != nil || readingHeadSince != nil { return .requestTimeout }
        return .close
    }
}
