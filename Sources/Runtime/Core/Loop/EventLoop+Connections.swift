import CLinuxEvents
import Glibc
import Synchronization

/// Reading, answering and writing on one connection (edge-triggered: read to EAGAIN, one `writev`).
extension EventLoop {
    // MARK: connection I/O

    func handle(fd: Int32, flags: UInt32, now: Int64) {
        guard fd >= 0, Int(fd) < connections.count, let slot = connections[Int(fd)] else { return }
        if flags & EPOLLERR.rawValue != 0 {
            closeConnection(slot)
            return
        }
        if slot.exchange != nil && !slot.http.streamingBody {
            // Nothing is read while an exchange runs; a hang-up means the client gave up (as
            // nginx treats it), so the exchange is cancelled rather than left streaming to nobody.
            if flags & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0 {
                closeConnection(slot)
            } else if flags & EPOLLOUT.rawValue != 0 && !slot.output.isEmpty {
                flush(slot, now: now)
            }
            return
        }
        if flags & EPOLLOUT.rawValue != 0 && !slot.output.isEmpty {
            guard flush(slot, now: now) else { return }
        }
        if flags & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0 { slot.hangupReported = true }
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0 || slot.readPaused {
            readAndProcess(slot, now: now)
        }
    }

    /// Reads until EAGAIN (edge-triggered), feeding the state machine and answering as requests complete.
    func readAndProcess(_ slot: ConnectionSlot, now: Int64) {
        if slot.readPaused {
            guard slot.output.pendingBytes < Self.outputHighWater else { return }
            slot.readPaused = false
            process(slot, now: now)
        }
        while !slot.readPaused && slot.phase.admitsReading(streamingBody: slot.http.streamingBody)
            && !slot.peerClosed && !slot.closeWhenFlushed && isCurrent(slot) {
            let n: Int
            do {
                n = try Socket.read(slot.fd, into: readBuffer)
            } catch .wouldBlock {
                break
            } catch {
                closeConnection(slot)
                return
            }
            if n == 0 {
                if slot.http.streamingBody, let active = slot.exchange {
                    // The client stopped midway through a streamed body: the upload is truncated.
                    slot.http.abandonStreamingBody()
                    active.exchange.requestBodyEnded(aborted: true, now: now)
                    guard isCurrent(slot) else { return }
                }
                slot.peerClosed = true
                // A half-sent request can never complete; complete ones were already answered.
                slot.closeWhenFlushed = true
                break
            }
            let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[0..<n])
            // A short read drained the socket: stop here instead of paying one more read(2) for
            // EAGAIN on every request (as nginx does). New bytes raise a new edge-triggered event.
            let drained = n < readBuffer.count && !slot.hangupReported
            if let upgraded = slot.upgraded {
                guard apply(upgraded.received(bytes, now: now, output: &slot.output), to: slot) else { return }
                guard relieveBackpressure(slot, now: now) else { return }
            } else {
                slot.http.received(bytes, now: now)
                process(slot, now: now)
            }
            if drained { break }
        }
        _ = flush(slot, now: now)
    }

    /// Pulls actions from the state machine and answers them, in order.
    func process(_ slot: ConnectionSlot, now: Int64) {
        while slot.phase.admitsHTTPActions(streamingBody: slot.http.streamingBody), !slot.readPaused,
            let action = slot.http.nextAction(now: now)
        {
            switch action {
            case .sendContinue:
                slot.output.append(ResponseSerializer.continueResponse)
            case .reject(let status):
                context.serializer.writeError(status, date: date, into: &slot.output)
                slot.closeWhenFlushed = true
                context.observer.rejected(
                    status: status, reason: slot.http.rejection, remote: slot.remote, loop: index)
            case .dispatch(let head, let body, let path, let query):
                dispatch(slot, head: head, body: body, path: path, query: query, now: now)
            case .dispatchStreaming(let head, let path, let query):
                // Answered without an exchange (401, 413, …), `finish` abandons the body.
                dispatch(slot, head: head, body: [], path: path, query: query, now: now)
            case .bodyPiece(let bytes):
                slot.exchange?.exchange.requestBodyReceived(bytes, now: now)
            case .bodyEnd:
                slot.exchange?.exchange.requestBodyEnded(aborted: false, now: now)
            case .bodyAborted:
                slot.closeWhenFlushed = true
                slot.exchange?.exchange.requestBodyEnded(aborted: true, now: now)
            }
            guard isCurrent(slot) else { return }
            guard relieveBackpressure(slot, now: now) else { return }
        }
    }

    /// Back-pressure, for HTTP and upgraded connections alike: past the high-water mark, write;
    /// if the client still has not taken enough, stop reading until it does. False when the
    /// connection closed.
    private func relieveBackpressure(_ slot: ConnectionSlot, now: Int64) -> Bool {
        guard slot.output.pendingBytes >= Self.outputHighWater else { return true }
        guard flush(slot, now: now) else { return false }
        if slot.output.pendingBytes >= Self.outputHighWater {
            slot.readPaused = true
            context.counters.backpressurePauses.add(1, ordering: .relaxed)
        }
        return true
    }

    func dispatch(_ slot: ConnectionSlot, head: HTTPRequestHead, body: [UInt8], path: String, query: String?, now: Int64) {
        let start = SystemClock.nowNanoseconds()
        let request = HTTPRequest(head: head, path: path, query: query, body: body, remote: slot.remote, startNanos: start)
        var requestContext = RequestContext(loop: index, connection: slot.handle)
        let answer: RouteResponse
        do {
            answer = try context.responder.respond(to: request, context: &requestContext)
        } catch {
            answer = .response(error.response)
        }
        if case .deferred(let promise) = answer {
            slot.phase = .awaitingPromise(PendingResponse(request: request, context: requestContext, startedAt: now))
            promise.attach(to: handle, handle: slot.handle)
            return
        }
        finish(slot, answer: answer, request: request, context: requestContext, now: now)
    }

    /// Writes the answer to `request` and tells the observer.
    func finish(_ slot: ConnectionSlot, answer: RouteResponse, request: HTTPRequest, context requestContext: RequestContext, now: Int64) {
        let head = request.head
        if slot.http.streamingBody && !answer.startsExchange {
            // Nobody will take the rest of the streamed body: answer, then end the connection.
            slot.http.abandonStreamingBody()
        }
        let draining = context.state.draining
        let close = slot.http.closing || draining
        if close {
            slot.http.stopAfterCurrent()
            // An exchange answers later, and its end (`completeExchange`) closes the connection:
            // closing once the (still empty) output is flushed would cut it before it answers.
            if !answer.startsExchange { slot.closeWhenFlushed = true }
        }
        let before = slot.output.pendingBytes
        let status: HTTPStatus
        switch answer {
        case .response(let response):
            status = response.status
            context.serializer.write(response, includeBody: !head.isHead, close: close, date: date, into: &slot.output)
        case .prebuilt(let response, let includeBody):
            status = response.status
            context.serializer.write(response, includeBody: includeBody, close: close, date: date, into: &slot.output)
        case .upgrade(let response, let upgrader):
            if close {
                // No new long-lived sessions while draining, nor on a connection that must end.
                status = writeError(HTTPError(draining ? .serviceUnavailable : .badRequest), to: slot, includeBody: true, close: true)
            } else {
                status = response.status
                context.serializer.write(response, includeBody: false, close: false, date: date, into: &slot.output)
                upgrade(slot, with: upgrader, request: request, now: now)
            }
        case .exchange(let starter):
            startExchange(slot, starter: starter, request: request, context: requestContext)
            return
        case .deferred:
            // A promise may not complete with another promise.
            status = writeError(HTTPError(.internalServerError), to: slot, includeBody: !head.isHead, close: close)
        }
        slot.http.responseQueued(now: now)
        let nanos = SystemClock.nowNanoseconds() - request.startNanos
        context.observer.completed(
            request, context: requestContext, status: status, bytes: slot.output.pendingBytes - before, nanos: nanos)
    }

    /// Queues the response for an error the core itself decided on (the same rendering as a thrown one).
    private func writeError(_ error: HTTPError, to slot: ConnectionSlot, includeBody: Bool, close: Bool) -> HTTPStatus {
        context.serializer.write(error.response, includeBody: includeBody, close: close, date: date, into: &slot.output)
        return error.status
    }

    /// Hands the connection to the upgraded protocol, with the bytes read past the request.
    func upgrade(_ slot: ConnectionSlot, with upgrader: any ConnectionUpgrader, request: HTTPRequest, now: Int64) {
        let upgraded = upgrader.makeConnection(for: request, handle: slot.handle)
        slot.phase = .upgraded(upgraded)
        slot.http.stopAfterCurrent()
        let leftover = slot.http.takeRemainingBytes()
        guard !leftover.isEmpty else { return }
        let disposition = leftover.withUnsafeBytes { upgraded.received($0, now: now, output: &slot.output) }
        _ = apply(disposition, to: slot)
    }

    /// Runs mail posted by other threads; mail for connections that are gone is dropped.
    func deliverMail(now: Int64) {
        for mail in handle.mailbox.takeAll() {
            let handle: ConnectionHandle
            switch mail {
            case .deliver(let h, _), .close(let h), .complete(let h, _): handle = h
            case .deliverEach(let handles, let payload):
                for h in handles { deliver(payload, to: h, now: now) }
                continue
            case .adopt(let fd, let peer):
                // EPOLL_CTL_ADD reports bytes that arrived before it, so nothing is missed here.
                adopt(fd: fd, peer: peer, now: now)
                continue
            }
            let index = Int(handle.fd)
            guard index >= 0, index < connections.count, let slot = connections[index],
                slot.handle.generation == handle.generation
            else { continue }
            switch mail {
            case .deliver(_, let payload):
                guard let upgraded = slot.upgraded else { continue }
                guard apply(upgraded.delivered(payload, now: now, output: &slot.output), to: slot) else { continue }
            case .close:
                slot.http.stopAfterCurrent()
                slot.closeWhenFlushed = true
            case .complete(_, let answer):
                guard let pending = slot.phase.takePending() else { continue }
                finish(slot, answer: answer, request: pending.request, context: pending.context, now: now)
                // Take the requests that waited behind this one, then read what the socket holds.
                process(slot, now: now)
                readAndProcess(slot, now: now)
                continue
            case .deliverEach, .adopt:
                continue  // handled above
            }
            flush(slot, now: now)
        }
    }

    /// Hands `payload` to one upgraded connection of this loop, if it still exists, and writes.
    private func deliver(_ payload: [UInt8], to handle: ConnectionHandle, now: Int64) {
        let index = Int(handle.fd)
        guard index >= 0, index < connections.count, let slot = connections[index],
            slot.handle.generation == handle.generation, let upgraded = slot.upgraded
        else { return }
        guard apply(upgraded.delivered(payload, now: now, output: &slot.output), to: slot) else { return }
        flush(slot, now: now)
    }

    /// Carries out an upgraded protocol's wish; false when the connection is gone.
    func apply(_ disposition: UpgradeDisposition, to slot: ConnectionSlot) -> Bool {
        switch disposition {
        case .keepOpen:
            return true
        case .closeWhenFlushed:
            slot.closeWhenFlushed = true
            return true
        case .closeNow:
            closeConnection(slot)
            return false
        }
    }

    func isCurrent(_ slot: ConnectionSlot) -> Bool {
        let index = Int(slot.fd)
        return index < connections.count && connections[index] === slot
    }

    /// One `writev` per call until the kernel stops taking bytes. Returns false when the connection closed.
    @discardableResult
    func flush(_ slot: ConnectionSlot, now: Int64) -> Bool {
        guard isCurrent(slot) else { return false }
        if !slot.output.isEmpty {
            let fd = slot.fd
            let written = slot.output.flush(
                { Socket.writev(fd, $0, more: $1) },
                sendFile: { Socket.sendFile(fd, from: $0, offset: $1, count: $2) })
            guard let written else {
                closeConnection(slot)
                return false
            }
            if written > 0 { slot.lastWriteProgress = now }
            if !slot.output.isEmpty && !slot.watchingWrites { watchWrites(slot) }
            if let active = slot.exchange, active.link.wantsWritable, slot.output.pendingBytes < Self.outputHighWater {
                active.link.wantsWritable = false
                active.exchange.clientWritable(now: now)
                return isCurrent(slot)
            }
        }
        if slot.output.isEmpty {
            if slot.closeWhenFlushed {
                lingeringClose(slot)
                return false
            }
            if slot.readPaused {
                slot.readPaused = false
                process(slot, now: now)
                readAndProcess(slot, now: now)
                return isCurrent(slot)
            }
        }
        return true
    }

    /// The kernel did not take everything: ask epoll for write-space edges from now on (kept for the
    /// connection's life; a connection that blocked once, on a big body, is likely to again). MOD
    /// re-checks readiness, so space freed meanwhile is still reported.
    func watchWrites(_ slot: ConnectionSlot) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = slot.fd
        if epoll_ctl(epfd, EPOLL_CTL_MOD, slot.fd, &event) == 0 { slot.watchingWrites = true }
    }

    /// Half-closes, discards what the client already sent, then closes: closing with unread input
    /// makes the kernel send RST, which can destroy the response before the client reads it.
    func lingeringClose(_ slot: ConnectionSlot) {
        shutdown(slot.fd, Int32(SHUT_WR))
        for _ in 0..<4 {
            guard let n = try? Socket.read(slot.fd, into: readBuffer), n > 0 else { break }
        }
        closeConnection(slot)
    }

    func closeConnection(_ slot: ConnectionSlot) {
        let index = Int(slot.fd)
        guard index < connections.count, connections[index] === slot else { return }
        connections[index] = nil
        close(slot.fd)  // also removes it from the epoll set
        let phase = slot.phase
        slot.phase = .http
        switch phase {
        case .upgraded(let upgraded): upgraded.closed()
        case .exchange(let active, _): active.exchange.clientClosed()
        case .http, .awaitingPromise: break
        }
        openCount -= 1
        context.counters.active.subtract(1, ordering: .relaxed)
    }
}
