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
    }

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
    /// Why the last `.reject` happened (the typed error's case name), for the log.
    package private(set) var rejectionReason: String?
    /// Requests answered so far; before the first one a silent connection gets the header timeout.
    package private(set) var requestsServed = 0

    package init(limits: HTTPParserLimits, timeouts: ConnectionTimeouts, now: Int64) {
        parser = HTTPRequestParser(limits: limits)
        self.timeouts = timeouts
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
        guard !closing else { return nil }
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let newHead):
                    readingHeadSince = nil
                    readingBodySince = now
                    head = newHead
                    body.removeAll(keepingCapacity: true)
                    if newHead.expectContinue, newHead.framing != .none, newHead.framing != .length(0) {
                        return .sendContinue
                    }
                case .body(let piece):
                    body += piece
                case .end:
                    guard let done = head else { continue }
                    head = nil
                    readingBodySince = nil
                    if !parser.isIdle { readingHeadSince = now }
                    let target: RequestTarget
                    do {
                        target = try RequestTarget.parse(done.target)
                    } catch {
                        closing = true
                        rejectionReason = "\(error)"
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
            rejectionReason = "\(error)"
            return .reject(error.status)
        }
        return nil
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
