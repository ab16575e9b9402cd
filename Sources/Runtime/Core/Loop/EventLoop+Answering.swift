import CLinuxEvents
import Glibc
import Synchronization

/// Answering a parsed request: ask the responder, wait for a promise, serialize the answer,
/// refuse upgrades on a connection that must end, and tell the observer. The one place a
/// `RouteResponse` becomes bytes.
extension EventLoop {
    func dispatch(
        _ slot: ConnectionSlot, head: consuming HTTPRequestHead, body: consuming [UInt8], path: consuming String,
        query: consuming String?, now: Int64
    ) {
        let request = HTTPRequest(
            head: head, path: path, query: query, body: body, remote: slot.remote, startNanos: wokeAtNanos)
        var requestContext = RequestContext(loop: index, connection: slot.handle)
        // Switched on directly: `if case .deferred = answer` on a stored answer copied it first.
        switch answer(to: request, context: &requestContext) {
        case .deferred(let promise):
            slot.phase = .awaitingPromise(PendingResponse(request: request, context: requestContext, startedAt: now))
            promise.attach(to: handle, handle: slot.handle)
        case let answer:
            finish(slot, answer: answer, request: request, context: requestContext, now: now)
        }
    }

    /// The responder's answer; a thrown error becomes its response here. Apart, with `request`
    /// borrowed: inlined into `dispatch`, the optimizer copied the whole request (a retain per
    /// field) to pass it to the responder, and released the original.
    @inline(never)
    private func answer(to request: borrowing HTTPRequest, context requestContext: inout RequestContext) -> RouteResponse {
        do {
            return try context.responder.respond(to: request, context: &requestContext)
        } catch {
            return .response(error.response)
        }
    }

    /// Writes the answer to `request` and tells the observer.
    func finish(
        _ slot: ConnectionSlot, answer: consuming RouteResponse, request: borrowing HTTPRequest,
        context requestContext: RequestContext, now: Int64
    ) {
        // `request.head.isHead`, not a local copy of the head: a copy retains its strings and fields.
        let includeBody = !request.head.isHead
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
        // `consume`: the payload moves into the case's binding instead of being copied out.
        switch consume answer {
        case .response(let response):
            status = response.status
            context.serializer.write(response, includeBody: includeBody, close: close, date: date, into: &slot.output)
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
            status = writeError(HTTPError(.internalServerError), to: slot, includeBody: includeBody, close: close)
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
}
