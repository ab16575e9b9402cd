import Glibc
import PilotoConfig
import PilotoHTTPCore
import Synchronization

/// One proxied request on the client's loop: connect (retrying refusals until `hold`), send the
/// re-framed request, relay the response as it arrives with back-pressure, and hand the upstream
/// connection back to the pool — or turn into a WebSocket tunnel after the upstream's `101`.
///
/// Failure rules (docs/proxy.md): refused until `hold` → 502 + Retry-After; no response byte in
/// `timeout` → 504; the upstream breaks after the head was relayed → the client connection is
/// aborted (never a truncated response that looks complete); the client leaves → the upstream
/// connection is closed (the request is cancelled). A reused connection that fails before any
/// response byte is replayed once on a fresh one — only requests that may be replayed ever use a
/// reused connection (`ProxyRequest.replayable`), so a POST is never executed twice.
final class ProxyExchange: ClientExchange, UpstreamOwner {
    private enum Phase {
        /// A connect was refused; the next attempt is due at this time.
        case waitingRetry(at: Int64)
        case connecting(deadline: Int64)
        /// Request being written and/or response head awaited.
        case exchanging
        /// Response head relayed; body flowing.
        case streaming
        case finished
    }

    private let plan: ProxyPlan
    private let request: ProxyRequest
    private let link: ExchangeLink
    private let local: LoopProxyState
    private var phase: Phase = .finished
    private var connection: UpstreamConnection?
    private var reused = false
    /// The request as sent so far: head (and a buffered body), then streamed pieces as they come.
    private var outgoing: [UInt8]
    private var written = 0
    /// The whole request is in `outgoing` (a buffered body, or the streamed body's end seen).
    private var requestComplete: Bool
    /// Streamed body bytes seen (against `max_body` for chunked uploads).
    private var streamedBytes = 0
    /// Above this many unsent bytes the client's body is paused; below it, reading resumes.
    private static let pauseAbove = 256 * 1024
    private var bodyPaused = false
    /// From the loop's spares (`LoopProxyState.takeParser`), handed back when the response is done.
    private var parser: HTTPResponseParser
    private var responseBytesSeen = false
    private var headRelayed = false
    private var status = 0
    private var clientChunked = false
    private var closeClient = false
    private var noBody = false
    private var upstreamKeepAlive = false
    private var endReached = false
    private var tunnelHead: HTTPResponseHead?
    private var paused = false
    private var holdDeadline: Int64 = 0
    private var responseDeadline: Int64 = 0
    private var lastActivity: Int64 = 0
    private var sentNanos: Int64 = 0
    private var attempts = 0
    private var replays = 0
    private var holding = false
    private var lastConnectTimedOut = false

    init(plan: ProxyPlan, request: ProxyRequest, link: ExchangeLink, local: LoopProxyState) {
        self.plan = plan
        self.request = request
        self.link = link
        self.local = local
        outgoing = request.bytes
        requestComplete = request.streamedBody == nil
        parser = local.takeParser()
    }

    private var metrics: ProxyUpstreamMetrics { plan.metrics }

    private var isRelaying: Bool {
        switch phase {
        case .exchanging, .streaming: true
        case .waitingRetry, .connecting, .finished: false
        }
    }

    func begin() {
        let now = link.now
        holdDeadline = now + plan.hold
        parser.expectResponse(toHead: request.isHead)
        if request.replayable, let pooled = local.pools[plan.upstream].take(now: now) {
            use(pooled, reused: true, now: now)
            return
        }
        connectFresh(now: now)
    }

    // MARK: connecting

    private func connectFresh(now: Int64) {
        attempts += 1
        guard let address = plan.address else { return fail(.unavailable("the upstream's address did not resolve")) }
        let start: ConnectStart
        do {
            start = try Socket.connect(to: address)
        } catch {
            if case .failed(_, let code) = error { return connectFailed(code, now: now) }
            return connectFailed(ECONNREFUSED, now: now)
        }
        switch start {
        case .connected(let fd):
            let upstream = UpstreamConnection(fd: fd, sockets: link.sockets, watchingWrites: false)
            guard link.sockets.register(fd, upstream, writes: false) else {
                Glibc.close(fd)
                return fail(.unavailable("cannot watch the upstream connection"))
            }
            use(upstream, reused: false, now: now)
        case .pending(let fd):
            let upstream = UpstreamConnection(fd: fd, sockets: link.sockets, watchingWrites: true)
            guard link.sockets.register(fd, upstream, writes: true) else {
                Glibc.close(fd)
                return fail(.unavailable("cannot watch the upstream connection"))
            }
            upstream.owner = self
            connection = upstream
            phase = .connecting(deadline: now + plan.connectTimeout)
        }
    }

    /// A refused (or timed-out) connect: the backend may be restarting, so wait and try again
    /// until `hold` has passed, then 502.
    private func connectFailed(_ code: Int32, now: Int64) {
        connection?.close()
        connection = nil
        lastConnectTimedOut = code == ETIMEDOUT
        let transient = [ECONNREFUSED, ETIMEDOUT, ECONNRESET, EHOSTUNREACH, ENETUNREACH, EAGAIN, EADDRNOTAVAIL].contains(code)
        let delay = min(Int64(50) << Int64(min(attempts, 5)), 1_000)
        if transient && now + delay < holdDeadline {
            if !holding {
                holding = true
                metrics.holds.add(1, ordering: .relaxed)
            }
            phase = .waitingRetry(at: now + delay)
            return
        }
        if lastConnectTimedOut {
            return fail(.timedOut("the upstream did not accept the connection in time"))
        }
        fail(.unavailable("the upstream is unavailable"))
    }

    private func use(_ upstream: UpstreamConnection, reused: Bool, now: Int64) {
        upstream.owner = self
        connection = upstream
        self.reused = reused
        written = 0
        phase = .exchanging
        // The response clock starts once the request is out (a long upload is not a slow backend).
        responseDeadline = requestComplete ? now + plan.timeout : Int64.max
        lastActivity = now
        sentNanos = SystemClock.nowNanoseconds()
        writeRequest(now: now)
    }

    // MARK: upstream events

    func upstreamReady(_ upstream: UpstreamConnection, events: UInt32, now: Int64) {
        guard upstream === connection else { return }
        switch phase {
        case .connecting:
            if let code = Socket.connectOutcome(upstream.fd) { return connectFailed(code, now: now) }
            use(upstream, reused: false, now: now)
        case .exchanging, .streaming:
            if events & LoopEvents.writable != 0 && written < outgoing.count { writeRequest(now: now) }
            guard connection === upstream else { return }
            if events & (LoopEvents.readable | LoopEvents.hangup | LoopEvents.error) != 0 { readResponse(now: now) }
        case .waitingRetry, .finished:
            break
        }
    }

    /// Timers run from the client connection's `tick`.
    func upstreamTick(_ upstream: UpstreamConnection, now: Int64) {}

    private func writeRequest(now: Int64) {
        guard let upstream = connection, isRelaying else { return }
        while written < outgoing.count {
            let n = outgoing.withUnsafeBytes { Socket.write(upstream.fd, UnsafeRawBufferPointer(rebasing: $0[written...])) }
            if n < 0 { return upstreamBroke(now: now) }
            if n == 0 {
                upstream.watchWrites(true)
                return
            }
            written += n
            lastActivity = now
        }
        upstream.watchWrites(false)
        if request.streamedBody != nil {
            // Sent pieces are not kept: a streamed body is never replayed.
            outgoing.removeAll(keepingCapacity: true)
            written = 0
            if bodyPaused {
                bodyPaused = false
                link.resumeRequestBody()
            }
        }
        if requestComplete && responseDeadline == Int64.max { responseDeadline = now + plan.timeout }
    }

    // MARK: streamed request body

    func requestBodyReceived(_ bytes: [UInt8], now: Int64) {
        guard !isFinished, !bytes.isEmpty else { return }
        streamedBytes += bytes.count
        guard streamedBytes <= plan.maxBody else {
            return refuseBody(.bodyTooLarge(maxBody: plan.maxBody))
        }
        lastActivity = now
        if case .chunked = request.streamedBody {
            outgoing += Array((String(bytes.count, radix: 16) + "\r\n").utf8)
            outgoing += bytes
            outgoing += Self.crlf
        } else {
            outgoing += bytes
        }
        writeRequest(now: now)
        if !isFinished && outgoing.count - written > Self.pauseAbove && !bodyPaused {
            bodyPaused = true
            link.pauseRequestBody()
        }
    }

    func requestBodyEnded(aborted: Bool, now: Int64) {
        guard !isFinished else { return }
        if aborted {
            // A truncated upload must never look complete to the backend: drop its connection.
            connection?.close()
            connection = nil
            phase = .finished
            metrics.aborted.add(1, ordering: .relaxed)
            return headRelayed ? link.abort(status: HTTPStatus(status)) : link.abort(status: .badRequest)
        }
        if case .chunked = request.streamedBody { outgoing += Self.lastChunk }
        requestComplete = true
        writeRequest(now: now)
    }

    /// The body broke a limit before the upstream answered: piloto answers, the upstream request
    /// is dropped unfinished (so the backend never sees a complete request).
    private func refuseBody(_ error: ProxyError) {
        connection?.close()
        connection = nil
        phase = .finished
        if headRelayed { return link.abort(status: HTTPStatus(status)) }
        link.respond(error.response)
    }

    private var isFinished: Bool {
        if case .finished = phase { return true }
        return false
    }

    private func readResponse(now: Int64) {
        let buffer = local.buffer
        while !paused, isRelaying, let upstream = connection {
            let n: Int
            do {
                n = try Socket.read(upstream.fd, into: buffer)
            } catch .wouldBlock {
                return
            } catch {
                return upstreamBroke(now: now)
            }
            if n == 0 { return upstreamEnded(now: now) }
            if !responseBytesSeen {
                responseBytesSeen = true
                metrics.recordFirstByte(nanos: SystemClock.nowNanoseconds() - sentNanos)
            }
            lastActivity = now
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            let consumed: Int
            do {
                consumed = try parser.parse(bytes) { event in relay(event) }
            } catch {
                return broken("the upstream sent an invalid response")
            }
            if let head = tunnelHead {
                return becomeTunnel(head, leftover: UnsafeRawBufferPointer(rebasing: bytes[consumed...]), now: now)
            }
            if endReached { return responseDone(extraBytes: consumed < n, now: now) }
            guard link.flush() else { return }  // the client left: `clientClosed` cleaned up
            if link.pendingOutputBytes >= ExchangeLink.highWater {
                paused = true
                link.notifyWhenWritable()
            }
        }
    }

    private func relay(_ event: HTTPResponseEvent) -> ParseControl {
        switch event {
        case .head(let head):
            if head.status == 101 {
                guard request.websocketKey != nil else {
                    broken("the upstream switched protocols unasked")
                    return .stop
                }
                tunnelHead = head
                return .stop
            }
            relayHead(head)
        case .body(let chunk):
            guard !noBody, !chunk.isEmpty else { break }
            if clientChunked {
                link.append(Array((String(chunk.count, radix: 16) + "\r\n").utf8))
                link.append(chunk)
                link.append(Self.crlf)
            } else {
                link.append(chunk)
            }
        case .end:
            if clientChunked { link.append(Self.lastChunk) }
            endReached = true
            return .stop
        }
        return .proceed
    }

    private func relayHead(_ head: HTTPResponseHead) {
        status = head.status
        metrics.recordStatus(head.status)
        upstreamKeepAlive = head.keepAlive && request.websocketKey == nil
        noBody = request.isHead || head.status < 200 || head.status == 204 || head.status == 304
        // The loop's scratch buffer (taken, so it is uniquely referenced while written): one head
        // per request without allocating one.
        var out = local.headScratch
        local.headScratch = []
        out.removeAll(keepingCapacity: true)
        out.appendUTF8("HTTP/1.1 ")
        out.appendDecimal(head.status)
        out.append(0x20)
        out.appendUTF8(Self.reason(head))
        out.append(contentsOf: Self.crlf)
        // One pass over the kept fields, written straight into the head; piloto's `Date` goes
        // before them when the upstream sent none, and `server.headers` after them when it did not
        // set the same field.
        let fieldsStart = out.count
        var hasDate = false
        var serverSet = ServerHeadersSet(plan)
        ProxyResponseHeaders.forEachKept(head.headers) { field in
            let name = field.name
            if name.count == 4 && name.asciiCaseInsensitiveEquals("Date") { hasDate = true }
            serverSet.markSet(name)
            if name.count == 14 && name.asciiCaseInsensitiveEquals("Content-Length") { return }
            out.append(contentsOf: field.line)
        }
        if !hasDate { out.insert(contentsOf: link.dateLine, at: fieldsStart) }
        for (index, field) in plan.serverHeaders.enumerated() where !serverSet.isSet(index, head.headers) {
            out.appendField(field.name, field.value)
        }
        var closeDelimited = false
        switch head.framing {
        case .length(let count):
            if !noBody || request.isHead { out.appendField("Content-Length", decimal: count) }
        case .chunked, .untilClose:
            if noBody {
                break
            } else if request.clientIsHTTP10 {
                closeDelimited = true
            } else {
                clientChunked = true
                out.appendUTF8("Transfer-Encoding: chunked\r\n")
            }
        case .none:
            if !noBody { out.appendUTF8("Content-Length: 0\r\n") }
        }
        // A refused upgrade still ends the connection: the client asked to leave HTTP on it.
        closeClient = link.mustClose || closeDelimited || request.websocketKey != nil
        if closeClient { out.appendUTF8("Connection: close\r\n") }
        out.append(contentsOf: Self.crlf)
        link.append(out)
        local.headScratch = out
        headRelayed = true
        phase = .streaming
    }

    /// The last byte of the response is queued: the upstream connection goes back to the pool
    /// (when it may: keep-alive, fully written, nothing unread), then the client is told.
    private func responseDone(extraBytes: Bool, now: Int64) {
        phase = .finished
        local.recycle(&parser)
        if let upstream = connection {
            connection = nil
            if upstreamKeepAlive && !extraBytes && requestComplete && written == outgoing.count {
                upstream.requestsServed += 1
                local.pools[plan.upstream].put(upstream, now: now)
            } else {
                upstream.close()
            }
        }
        link.flush()
        link.complete(status: HTTPStatus(status), keepAlive: !closeClient)
    }

    /// The upstream closed its side.
    private func upstreamEnded(now: Int64) {
        if headRelayed {
            let complete: Bool
            do {
                complete = try parser.finish()
            } catch {
                return broken("the upstream closed the connection mid-response")
            }
            guard complete else { return broken("the upstream closed the connection mid-response") }
            if clientChunked { link.append(Self.lastChunk) }
            upstreamKeepAlive = false
            return responseDone(extraBytes: false, now: now)
        }
        upstreamBroke(now: now)
    }

    /// The connection failed (reset, EOF) before the response head was relayed.
    private func upstreamBroke(now: Int64) {
        guard !headRelayed else { return broken("the upstream connection failed mid-response") }
        connection?.close()
        connection = nil
        // A reused connection the backend had already closed: replay on a fresh one. Only
        // replayable requests ever take a pooled connection, and only one replay is made.
        if request.replayable && plan.retry == .safe && !responseBytesSeen && replays == 0 {
            replays += 1
            metrics.retries.add(1, ordering: .relaxed)
            parser = HTTPResponseParser()
            parser.expectResponse(toHead: request.isHead)
            return connectFresh(now: now)
        }
        fail(.unavailable("the upstream closed the connection before answering"))
    }

    /// A broken response: before the head, 502; after it, the client connection is aborted.
    private func broken(_ reason: String) {
        connection?.close()
        connection = nil
        guard headRelayed else { return fail(.unavailable(reason)) }
        phase = .finished
        metrics.aborted.add(1, ordering: .relaxed)
        link.abort(status: HTTPStatus(status))
    }

    /// piloto's own answer (nothing was relayed yet): JSON like the rest of `/api`.
    private func fail(_ error: ProxyError) {
        let status = error.status
        connection?.close()
        connection = nil
        phase = .finished
        metrics.recordStatus(status.code)
        if status == .gatewayTimeout {
            metrics.timeouts.add(1, ordering: .relaxed)
        } else {
            metrics.badGateway.add(1, ordering: .relaxed)
        }
        link.respond(error.response)
    }

    private func becomeTunnel(_ head: HTTPResponseHead, leftover: UnsafeRawBufferPointer, now: Int64) {
        guard let upstream = connection, let key = request.websocketKey else { return broken("no upstream") }
        let expected = WebSocketHandshake.acceptValue(forKey: key)
        guard head.headers.values("Sec-WebSocket-Accept").first == expected,
            head.headers.containsToken("Upgrade", "websocket")
        else { return broken("the upstream answered the WebSocket handshake wrongly") }
        connection = nil
        phase = .finished
        metrics.recordStatus(101)
        var out = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n".utf8)
        for (name, value) in head.headers.fields where name.lowercased().hasPrefix("sec-websocket-") {
            out += Array("\(name): \(value)\r\n".utf8)
        }
        out += Self.crlf
        link.append(out)
        let tunnel = ProxyTunnel(upstream: upstream, link: link, plan: plan, buffer: local.buffer, now: now)
        tunnel.relayFromUpstream(leftover, now: now)
        link.flush()
        link.upgrade(to: tunnel, status: .switchingProtocols)
        tunnel.started(now: now)
    }

    // MARK: client side

    func clientWritable(now: Int64) {
        paused = false
        lastActivity = now
        readResponse(now: now)
    }

    func clientClosed() {
        if case .finished = phase { return }
        phase = .finished
        metrics.cancelled.add(1, ordering: .relaxed)
        connection?.close()
        connection = nil
    }

    func tick(now: Int64) {
        switch phase {
        case .waitingRetry(let at):
            if now >= at { connectFresh(now: now) }
        case .connecting(let deadline):
            if now >= deadline { connectFailed(ETIMEDOUT, now: now) }
        case .exchanging:
            if now >= responseDeadline {
                fail(.timedOut("the upstream did not answer in time"))
            } else if !requestComplete && now - lastActivity >= plan.idleTimeout {
                // An upload that stopped moving (client or upstream) for idle_timeout.
                fail(.timedOut("the upload stalled"))
            }
        case .streaming:
            if !paused && now - lastActivity >= plan.idleTimeout { broken("the upstream went silent") }
        case .finished:
            break
        }
    }

    /// In-flight requests finish on their own; the core closes the connection after them.
    func drain(now: Int64) {}

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    private static func reason(_ head: HTTPResponseHead) -> String {
        let cleaned = head.reason.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) } ? head.reason : ""
        return cleaned.isEmpty ? HTTPStatus(head.status).reason : cleaned
    }
}
