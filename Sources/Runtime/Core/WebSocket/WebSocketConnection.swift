/// One WebSocket connection after the 101, as a pure state machine (Hummingbird's style, STYLE §1.5):
/// bytes and calls in, `Action`s out. It never touches a socket or a clock; the driver passes `now`
/// and carries out the actions in order, so every timeout is testable without sleeping.
///
/// ```
///   ┌──────┐  peer's close: echo it, closeConnection                 ┌────────┐
///   │ open │ ──────────────────────────────────────────────────────▶ │ closed │
///   └──────┘  protocol error: close(error.closeCode), closeConnection └────────┘
///    │    │                                                           ▲    ▲
///    │    └─ close()/goingAway()/lifetime/back-pressure ─▶ closing ───┘    │
///    │        (peer's close, or closeTimeout)                              │
///    └─ the same two events right after delivering messages ─▶ draining ──┘
///        (our close frame waits for the replies, until the tick at "now")
/// ```
///
/// Driver contract (for whoever wires this into the event loop):
/// - after the 101 response, create the value with the route's `WebSocketConfiguration` and the
///   current instant, and carry out `start()`'s actions; bytes read past the request head go to
///   `received` first (a client may send frames right behind its handshake);
/// - carry out actions in order; `.write` bytes are queued and `didWrite(n)` is reported as the socket
///   takes them; `.closeConnection` means "flush what is queued, then close";
/// - keep one timer per connection: each `.scheduleTimer(at:)` replaces the previous one; when it
///   fires call `tick(now:)` (a timer "at now" must still run after the current actions, which is what
///   lets replies precede the close in the `.draining` state);
/// - on EOF or a socket error call `inputClosed()`; on SIGTERM call `goingAway(now:)`.
///
/// Generic over the instant type so the driver can use its own monotonic clock; tests use a fake one.
package struct WebSocketConnection<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What the driver must do, in order.
    package enum Action: Sendable, Equatable {
        /// Queue these bytes for the socket; report progress with `didWrite(_:)`.
        case write([UInt8])
        /// Hand a complete message to the application.
        case deliver(WebSocketMessage)
        /// Flush the writes queued before this action, then close the TCP connection.
        case closeConnection
        /// Call `tick(now:)` at this instant; replaces any timer scheduled earlier for this connection.
        case scheduleTimer(at: Instant)
    }

    package enum State: Sendable, Equatable {
        /// Messages flow both ways.
        case open
        /// We sent a close frame and wait for the peer's (up to `closeTimeout`).
        case closing
        /// The peer's close (or a protocol error) arrived in the same read as messages that were just
        /// delivered. Input is over, but replies to those messages may still be sent: our close frame
        /// goes out at the next `tick`, scheduled for "now", so it follows the replies. This keeps the
        /// outcome independent of how TCP happened to split the bytes (Autobahn cases 3.2, 5.15, 7.1.1).
        case draining
        /// Done: every further call returns no action.
        case closed
    }

    package let configuration: WebSocketConfiguration
    package private(set) var state: State = .open
    /// Bytes written by actions but not yet reported by `didWrite`.
    package private(set) var queuedBytes = 0
    /// The close code we sent or received first, for logs and metrics (1006 when TCP just ended).
    package private(set) var closeCode: WebSocketCloseCode?

    private var parser: WebSocketFrameParser
    private var assembler: WebSocketMessageAssembler
    private var nextPingAt: Instant?
    private var pongDeadline: Instant?
    private var closeDeadline: Instant?
    private var lifetimeDeadline: Instant?
    private var lastPingPayload: [UInt8]?
    private var pingCounter: UInt64 = 0
    private var scheduled: Instant?
    /// In `.draining`: the close frame to write at `drainAt`.
    private var pendingClose: [UInt8] = []
    private var drainAt: Instant?

    /// A connection that has just been upgraded at `now`.
    package init(configuration: WebSocketConfiguration = WebSocketConfiguration(), now: Instant) {
        self.configuration = configuration
        parser = WebSocketFrameParser(maxFrameSize: configuration.maxFrameSize, expectMasked: true)
        assembler = WebSocketMessageAssembler(
            maxMessageSize: configuration.maxMessageSize, maxFragments: configuration.maxFragments,
            minNonFinalFragmentSize: configuration.minNonFinalFragmentSize)
        nextPingAt = configuration.pingInterval.map { now.advanced(by: $0) }
        lifetimeDeadline = configuration.maxLifetime.map { now.advanced(by: $0) }
    }

    /// The first timer; call once right after the upgrade.
    package mutating func start() -> [Action] {
        var actions: [Action] = []
        scheduleIfNeeded(&actions)
        return actions
    }

    // MARK: Input

    /// Bytes read from the socket. Any bytes count as a sign of life for the keepalive.
    package mutating func received(_ bytes: some Sequence<UInt8>, now: Instant) -> [Action] {
        guard state == .open || state == .closing else { return [] }
        var actions: [Action] = []
        var delivered = false
        pongDeadline = nil
        parser.append(bytes)
        while state == .open || state == .closing {
            let output: WebSocketMessageAssembler.Output?
            do {
                guard let frame = try parser.nextFrame() else { break }
                output = try assembler.push(frame)
                parser.continuationLimit = assembler.remainingBudget
            } catch {
                fail(error, deferred: delivered, now: now, &actions)
                break
            }
            switch output {
            case nil:
                continue
            case .message(let message):
                // After our close frame the application has said goodbye: late messages are dropped.
                if state == .open {
                    actions.append(.deliver(message))
                    delivered = true
                }
            case .control(let frame):
                handleControl(frame, deferClose: delivered, now: now, &actions)
            }
        }
        scheduleIfNeeded(&actions)
        return actions
    }

    /// The peer closed TCP (EOF or reset) without finishing the close handshake, or after it.
    package mutating func inputClosed() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        if closeCode == nil { closeCode = .abnormalClosure }  // RFC 6455 §7.1.5: 1006
        return [.closeConnection]
    }

    /// The driver wrote `count` of the queued bytes to the socket.
    package mutating func didWrite(_ count: Int) {
        queuedBytes = max(0, queuedBytes - max(0, count))
    }

    // MARK: Output

    /// Sends a text message (one frame).
    package mutating func send(text: String, now: Instant) -> [Action] {
        sendData(opcode: .text, payload: text.utf8, now: now)
    }

    /// Sends a binary message (one frame).
    package mutating func send(binary: [UInt8], now: Instant) -> [Action] {
        sendData(opcode: .binary, payload: binary, now: now)
    }

    /// Sends a binary message (one frame) straight from a read buffer, without an intermediate array.
    package mutating func send(binary: UnsafeRawBufferPointer, now: Instant) -> [Action] {
        sendData(opcode: .binary, payload: binary, now: now)
    }

    /// Sends a data frame that was encoded once for many connections (a channel broadcast): the bytes
    /// must be a complete unmasked server frame. Subject to the same back-pressure rule as `send`.
    package mutating func send(encodedFrame frame: [UInt8], now: Instant) -> [Action] {
        guard state == .open || state == .draining else { return [] }
        if let refusal = refuseForBackPressure(frameSize: frame.count, now: now) { return refusal }
        var actions: [Action] = []
        write(frame, &actions)
        return actions
    }

    /// Starts the close handshake (RFC 6455 §7.1.2). A code that may not be sent on the wire (1005,
    /// 1006, 1015, unassigned) is replaced by 1000.
    package mutating func close(code: WebSocketCloseCode = .normalClosure, reason: String = "", now: Instant) -> [Action] {
        if state == .draining { return finishDraining() }
        var actions: [Action] = []
        initiateClose(code: code.isValidOnWire ? code : .normalClosure, reason: reason, now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// Close 1001 for server shutdown (SIGTERM drain).
    package mutating func goingAway(now: Instant) -> [Action] {
        close(code: .goingAway, reason: "server shutting down", now: now)
    }

    /// Runs every deadline that is due: close timeout, lifetime, pong deadline, keepalive ping.
    package mutating func tick(now: Instant) -> [Action] {
        guard state != .closed else { return [] }
        var actions: [Action] = []
        if let at = scheduled, at <= now { scheduled = nil }  // the driver's timer has fired
        if state == .draining { return finishDraining() }
        if state == .closing, let deadline = closeDeadline, deadline <= now {
            // RFC 6455 §7.1.1: the peer did not answer our close in time; drop TCP.
            state = .closed
            return [.closeConnection]
        }
        if state == .open, let deadline = lifetimeDeadline, deadline <= now {
            initiateClose(code: .goingAway, reason: "connection lifetime reached", now: now, &actions)
        }
        if state == .open, let deadline = pongDeadline, deadline <= now {
            // The peer stopped answering: say so (it may still hear it) and drop at once.
            write(WebSocketFrameEncoder.closeFrame(code: .goingAway, reason: "ping timeout"), &actions)
            closeCode = .goingAway
            state = .closed
            actions.append(.closeConnection)
            return actions
        }
        if state == .open, let pingAt = nextPingAt, pingAt <= now, let interval = configuration.pingInterval {
            pingCounter &+= 1
            let payload = withUnsafeBytes(of: pingCounter.bigEndian) { Array($0) }
            lastPingPayload = payload
            write(WebSocketFrameEncoder.encode(opcode: .ping, payload: payload), &actions)
            if pongDeadline == nil { pongDeadline = now.advanced(by: configuration.pongTimeout) }
            nextPingAt = now.advanced(by: interval)
        }
        scheduleIfNeeded(&actions)
        return actions
    }

    // MARK: Internals

    private mutating func sendData(opcode: WebSocketOpcode, payload: some Collection<UInt8>, now: Instant) -> [Action] {
        guard state == .open || state == .draining else { return [] }
        let frameSize = WebSocketFrameEncoder.headerSize(length: payload.count, masked: false) + payload.count
        if let refusal = refuseForBackPressure(frameSize: frameSize, now: now) { return refusal }
        var actions: [Action] = []
        write(WebSocketFrameEncoder.encode(opcode: opcode, payload: payload), &actions)
        return actions
    }

    /// Back-pressure: the client is not reading. Drop the message and close with 1008 (policy
    /// violation: "too slow to read what it subscribed to"); the close frame itself still goes out.
    /// A message is never refused by its size alone while nothing is queued. Nil: send it.
    private mutating func refuseForBackPressure(frameSize: Int, now: Instant) -> [Action]? {
        guard queuedBytes > 0 && queuedBytes + frameSize > configuration.highWaterMark else { return nil }
        if state == .draining { return finishDraining() }
        var actions: [Action] = []
        initiateClose(code: .policyViolation, reason: "client too slow", now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    private mutating func handleControl(
        _ frame: WebSocketFrame, deferClose: Bool, now: Instant, _ actions: inout [Action]
    ) {
        switch frame.opcode {
        case .ping:
            // RFC 6455 §5.5.3: answer with a pong carrying the same payload, unless we are closing.
            if state == .open { write(WebSocketFrameEncoder.encode(opcode: .pong, payload: frame.payload), &actions) }
        case .pong:
            // RFC 6455 §5.5.3: an unsolicited pong is ignored; a matching one clears the deadline.
            if let expected = lastPingPayload, expected == frame.payload {
                lastPingPayload = nil
                pongDeadline = nil
            }
        case .close:
            handleClose(frame.payload, deferred: deferClose, now: now, &actions)
        default:
            break
        }
    }

    /// RFC 6455 §5.5.1 and §7.4: validate the peer's close, echo it if we have not closed yet, then end.
    private mutating func handleClose(_ payload: [UInt8], deferred: Bool, now: Instant, _ actions: inout [Action]) {
        var echo: [UInt8] = []
        if payload.count == 1 { return fail(.invalidClosePayload, deferred: deferred, now: now, &actions) }
        if payload.count >= 2 {
            let code = WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1]))
            guard code.isValidOnWire else {
                return fail(.invalidCloseCode(code.rawValue), deferred: deferred, now: now, &actions)
            }
            guard WebSocketUTF8Validator.isValid(Array(payload[2...])) else {
                return fail(.invalidUTF8, deferred: deferred, now: now, &actions)
            }
            echo = [payload[0], payload[1]]
            if closeCode == nil { closeCode = code }
        } else if closeCode == nil {
            closeCode = .noStatusReceived
        }
        if state == .open {
            // Echo the code (not the reason) and close TCP: the server closes first (§7.1.1).
            let frame = WebSocketFrameEncoder.encode(opcode: .close, payload: echo)
            if deferred { return startDraining(frame, now: now) }
            write(frame, &actions)
        }
        state = .closed
        actions.append(.closeConnection)
    }

    /// RFC 6455 §7.1.7 "Fail the WebSocket Connection": send a close with the error's code (unless we
    /// already sent one), then close TCP without waiting.
    private mutating func fail(
        _ error: WebSocketProtocolError, deferred: Bool, now: Instant, _ actions: inout [Action]
    ) {
        if state == .open {
            closeCode = error.closeCode
            let frame = WebSocketFrameEncoder.closeFrame(code: error.closeCode)
            if deferred { return startDraining(frame, now: now) }
            write(frame, &actions)
        }
        state = .closed
        actions.append(.closeConnection)
    }

    /// Input is over; the close frame waits for the replies to messages delivered in this read.
    private mutating func startDraining(_ closeFrame: [UInt8], now: Instant) {
        state = .draining
        pendingClose = closeFrame
        drainAt = now
        nextPingAt = nil
        pongDeadline = nil
    }

    /// Writes the pending close frame after the replies, then closes TCP.
    private mutating func finishDraining() -> [Action] {
        var actions: [Action] = []
        write(pendingClose, &actions)
        pendingClose = []
        state = .closed
        actions.append(.closeConnection)
        return actions
    }

    private mutating func initiateClose(code: WebSocketCloseCode, reason: String, now: Instant, _ actions: inout [Action]) {
        guard state == .open else { return }
        write(WebSocketFrameEncoder.closeFrame(code: code, reason: reason), &actions)
        closeCode = code
        state = .closing
        closeDeadline = now.advanced(by: configuration.closeTimeout)
        nextPingAt = nil
        pongDeadline = nil
    }

    private mutating func write(_ bytes: [UInt8], _ actions: inout [Action]) {
        queuedBytes += bytes.count
        actions.append(.write(bytes))
    }

    /// The earliest pending deadline for the current state.
    private var nextDeadline: Instant? {
        switch state {
        case .closed: return nil
        case .closing: return closeDeadline
        case .draining: return drainAt
        case .open: return [lifetimeDeadline, pongDeadline, nextPingAt].compactMap { $0 }.min()
        }
    }

    private mutating func scheduleIfNeeded(_ actions: inout [Action]) {
        guard let deadline = nextDeadline, deadline != scheduled else { return }
        scheduled = deadline
        actions.append(.scheduleTimer(at: deadline))
    }
}
