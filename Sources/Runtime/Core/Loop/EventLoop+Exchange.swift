/// Running a `ClientExchange` on a connection: start, and the four ways it ends (complete,
/// answered normally after all, aborted, upgraded into a tunnel).
extension EventLoop {
    func startExchange(_ slot: ConnectionSlot, starter: any ExchangeStarter, request: HTTPRequest, context requestContext: RequestContext) {
        let link = ExchangeLink(loop: self, slot: slot)
        // The slot must know its exchange before `start` runs: the exchange may send at once.
        let placeholder = PlaceholderExchange()
        slot.phase = .exchange(
            ActiveExchange(exchange: placeholder, link: link, request: request, context: requestContext), bodyPaused: false)
        let exchange = starter.start(request, link: link)
        if placeholder.clientGone { return exchange.clientClosed() }
        // Ended during `start` (answered, completed or aborted at once): nothing more to track.
        guard isCurrent(slot), let active = slot.exchange, active.link === link else { return }
        slot.phase.replaceExchange(with: ActiveExchange(exchange: exchange, link: link, request: request, context: requestContext))
        if placeholder.wasWritable { link.notifyWhenWritable() }
    }

    func completeExchange(_ slot: ConnectionSlot, status: HTTPStatus, keepAlive: Bool, bytes: Int) {
        guard let active = slot.phase.takeExchange() else { return }
        let now = context.clock.nowMilliseconds()
        if slot.http.streamingBody { slot.http.abandonStreamingBody() }  // answered before the body ended
        if !keepAlive || context.state.draining || slot.http.closing {
            slot.http.stopAfterCurrent()
            slot.closeWhenFlushed = true
        }
        slot.http.responseQueued(now: now)
        context.observer.completed(
            active.request, context: active.context, status: status, bytes: bytes,
            nanos: SystemClock.nowNanoseconds() - active.request.startNanos)
        resume(slot, now: now)
    }

    func answerExchange(_ slot: ConnectionSlot, with response: RouteResponse) {
        guard let active = slot.phase.takeExchange() else { return }
        let now = context.clock.nowMilliseconds()
        finish(slot, answer: response, request: active.request, context: active.context, now: now)
        resume(slot, now: now)
    }

    func abortExchange(_ slot: ConnectionSlot, status: HTTPStatus, bytes: Int) {
        guard let active = slot.phase.takeExchange() else { return }
        context.observer.completed(
            active.request, context: active.context, status: status, bytes: bytes,
            nanos: SystemClock.nowNanoseconds() - active.request.startNanos)
        closeConnection(slot)
    }

    func upgradeExchange(_ slot: ConnectionSlot, to connection: any UpgradedConnection, status: HTTPStatus, bytes: Int) {
        guard let active = slot.phase.takeExchange() else { return }
        let now = context.clock.nowMilliseconds()
        context.observer.completed(
            active.request, context: active.context, status: status, bytes: bytes,
            nanos: SystemClock.nowNanoseconds() - active.request.startNanos)
        slot.phase = .upgraded(connection)
        slot.http.stopAfterCurrent()
        let leftover = slot.http.takeRemainingBytes()
        if !leftover.isEmpty {
            let disposition = leftover.withUnsafeBytes { connection.received($0, now: now, output: &slot.output) }
            guard apply(disposition, to: slot) else { return }
        }
        // Bytes that arrived while the exchange ran were not read (edge-triggered): read them now.
        readAndProcess(slot, now: now)
    }

    /// The exchange wants its streamed body again: pull what was parsed, then read the socket.
    func resumeStreamingBody(_ slot: ConnectionSlot) {
        let now = context.clock.nowMilliseconds()
        process(slot, now: now)
        guard isCurrent(slot) else { return }
        readAndProcess(slot, now: now)
    }

    /// Takes the requests that waited behind the exchange, then reads what the socket holds —
    /// unless it is known to be empty (`mayHaveUnreadInput`), where only the output is written.
    private func resume(_ slot: ConnectionSlot, now: Int64) {
        guard isCurrent(slot) else { return }
        process(slot, now: now)
        guard isCurrent(slot) else { return }
        if slot.mayHaveUnreadInput || slot.readPaused || slot.hangupReported {
            readAndProcess(slot, now: now)
        } else {
            flush(slot, now: now)
        }
    }
}

/// Stands in while `ExchangeStarter.start` runs, remembering what happened meanwhile.
private final class PlaceholderExchange: ClientExchange {
    var wasWritable = false
    var clientGone = false
    func clientWritable(now: Int64) { wasWritable = true }
    func clientClosed() { clientGone = true }
    func tick(now: Int64) {}
    func drain(now: Int64) {}
}
