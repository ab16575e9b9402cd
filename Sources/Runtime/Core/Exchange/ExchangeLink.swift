/// The exchange's handle on its client connection. Loop-confined; every call checks the
/// connection is still the one the exchange started on (a closed fd may be reused at once).
package final class ExchangeLink {
    /// `unowned(unsafe)`: a link lives on its loop's thread and only while that loop runs (the
    /// loop's connections and timers hold it; nothing outlives `EventLoop.run`). A checked
    /// `unowned` cost an unowned-retain-strong and a release in every `isOpen`, several per request.
    private unowned(unsafe) let loop: EventLoop
    let slot: ConnectionSlot
    /// The application sockets of this loop (upstream connections, pools).
    package let sockets: LoopSockets
    /// Bytes this exchange queued, for the observer.
    private(set) var bytesSent = 0
    /// The exchange asked to hear when the client's output drains (`notifyWhenWritable`).
    var wantsWritable = false
    /// After `upgrade(to:)`: the tunnel that now owns the connection (the link stays usable by it).
    private weak var upgradedTo: (any UpgradedConnection)?
    /// Set with `upgradedTo`: so `isOpen` loads the weak reference only after an upgrade.
    private var upgraded = false

    /// The loop's clock and server state, kept here: reaching them through `loop.context` copied
    /// the whole `LoopContext` (a dozen retains and releases) on every call, several per request.
    private let clock: any MonotonicClock
    private let state: ServerState

    init(loop: EventLoop, slot: ConnectionSlot) {
        self.loop = loop
        self.slot = slot
        sockets = loop.sockets
        clock = loop.context.clock
        state = loop.context.state
    }

    /// The index of the loop (per-loop application state such as connection pools).
    package var loopIndex: Int { loop.index }
    /// The loop's clock, milliseconds.
    package var now: Int64 { clock.nowMilliseconds() }
    /// `Date: …\r\n` for this second, ready to copy into a head.
    package var dateLine: [UInt8] { loop.date.line }
    /// `server.headers` as field lines (the same bytes every response carries).
    package var extraFieldLines: [UInt8] { loop.context.serializer.extraFieldLines }
    /// True when the client connection must end after this response (its `Connection: close`,
    /// HTTP/1.0, or the server draining): the head should say `Connection: close`.
    package var mustClose: Bool { slot.http.closing || state.draining }
    /// True while the connection is open and still this exchange's.
    package var isOpen: Bool {
        guard loop.isCurrent(slot) else { return false }
        if upgraded {
            guard let tunnel = upgradedTo else { return false }
            return slot.upgraded === tunnel
        }
        return slot.exchange?.link === self
    }
    /// Bytes queued for the client and not yet taken by the kernel.
    package var pendingOutputBytes: Int { slot.output.pendingBytes }
    /// Above this many pending bytes the exchange should stop reading its source until `clientWritable`.
    package static var highWater: Int { EventLoop.outputHighWater }

    /// Queues bytes for the client and writes what the socket takes. False when the client is gone.
    @discardableResult
    package func send(_ bytes: some Collection<UInt8>) -> Bool {
        guard isOpen else { return false }
        slot.output.append(bytes)
        bytesSent += bytes.count
        return loop.flush(slot, now: now) && isOpen
    }

    /// `send` of an array (see `append(_: [UInt8])` for why the concrete overload).
    @discardableResult
    package func send(_ bytes: [UInt8]) -> Bool {
        guard isOpen else { return false }
        slot.output.append(bytes)
        bytesSent += bytes.count
        return loop.flush(slot, now: now) && isOpen
    }

    /// Queues bytes without writing yet (several pieces, one `writev` at `flush`).
    package func append(_ bytes: some Collection<UInt8>) {
        guard isOpen else { return }
        slot.output.append(bytes)
        bytesSent += bytes.count
    }

    /// `append` of an array: the overload PilotoRuntime's exchanges call. Why it exists: the generic
    /// one is not specialized across the module boundary (`package` code is not inlined), so it
    /// ran unspecialized, with metadata and witness-table lookups, for every response head.
    package func append(_ bytes: [UInt8]) {
        guard isOpen else { return }
        slot.output.append(bytes)
        bytesSent += bytes.count
    }

    /// `append` from a buffer only valid during the call.
    package func append(_ bytes: UnsafeRawBufferPointer) {
        guard isOpen else { return }
        slot.output.append(bytes)
        bytesSent += bytes.count
    }

    /// Writes what is queued. False when the client is gone.
    @discardableResult
    package func flush() -> Bool {
        guard isOpen else { return false }
        return loop.flush(slot, now: now) && isOpen
    }

    /// Closes the client connection once its queued bytes are written (a tunnel whose upstream ended).
    package func closeWhenFlushed() {
        guard isOpen else { return }
        slot.closeWhenFlushed = true
        loop.flush(slot, now: now)
    }

    /// `send` from a buffer that is only valid during the call (it is copied).
    @discardableResult
    package func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard isOpen else { return false }
        slot.output.append(bytes)
        bytesSent += bytes.count
        return loop.flush(slot, now: now) && isOpen
    }

    /// Stops reading the client's streamed request body (the upstream is not taking it fast enough).
    package func pauseRequestBody() {
        guard isOpen else { return }
        _ = slot.phase.setBodyPaused(true)
    }

    /// Reads the streamed request body again; pieces may arrive before this returns.
    package func resumeRequestBody() {
        guard isOpen, slot.phase.setBodyPaused(false) else { return }
        loop.resumeStreamingBody(slot)
    }

    /// Calls the exchange's `clientWritable` once the client has taken the queued bytes.
    package func notifyWhenWritable() {
        guard isOpen else { return }
        if slot.output.pendingBytes < Self.highWater {
            wantsWritable = false
            slot.exchange?.exchange.clientWritable(now: now)
        } else {
            wantsWritable = true
        }
    }

    /// The response is complete (its last byte is queued): the observer hears of it and the
    /// connection takes the next request, or closes when `keepAlive` is false or it must.
    package func complete(status: HTTPStatus, keepAlive: Bool) {
        guard isOpen else { return }
        loop.completeExchange(slot, status: status, keepAlive: keepAlive, bytes: bytesSent)
    }

    /// Nothing was sent yet and the exchange answers with an ordinary response after all
    /// (502/504 from the proxy): the core renders it like any other.
    package func respond(_ response: RouteResponse) {
        guard isOpen else { return }
        loop.answerExchange(slot, with: response)
    }

    /// Ends the connection at once: a response that broke midway must never look complete.
    /// - Parameter status: what the head said (or would have), for the observer.
    package func abort(status: HTTPStatus) {
        guard isOpen else { return }
        loop.abortExchange(slot, status: status, bytes: bytesSent)
    }

    /// After the exchange queued a `101`: the connection now belongs to `connection` (a tunnel).
    package func upgrade(to connection: any UpgradedConnection, status: HTTPStatus) {
        guard isOpen else { return }
        upgradedTo = connection
        upgraded = true
        loop.upgradeExchange(slot, to: connection, status: status, bytes: bytesSent)
    }
}

/// The exchange a connection is running, with what the observer needs when it ends.
///
/// A class: `slot.exchange` is read on every `ExchangeLink` call (`isOpen`) and every client
/// event; as a struct each read copied the whole request with it (a retain per field, `perf`).
final class ActiveExchange {
    let exchange: any ClientExchange
    let link: ExchangeLink
    let request: HTTPRequest
    let context: RequestContext

    init(exchange: any ClientExchange, link: ExchangeLink, request: HTTPRequest, context: RequestContext) {
        self.exchange = exchange
        self.link = link
        self.request = request
        self.context = context
    }
}
