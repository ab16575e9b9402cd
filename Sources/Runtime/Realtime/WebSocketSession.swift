/// Drives one pure `WebSocketConnection` on its event loop: the `UpgradedConnection` the server
/// hands the socket's bytes, timer sweeps, cross-thread deliveries and the SIGTERM drain to.
///
/// It carries out the state machine's actions in order (`.write` → the connection's output queue,
/// `.deliver` → the route's application, `.closeConnection` → close once flushed, `.scheduleTimer`
/// → remembered and honoured on the loop's ~100 ms sweep). Timers, in `WebSocketConfiguration`:
/// keepalive ping every 30 s (Cloud Run's idle limit is far longer, NATs' often shorter), pong
/// deadline, close-handshake timeout, and close 1001 before `scaling.request_timeout` so Cloud Run
/// never cuts the socket without a close frame.
///
/// Slow readers: the state machine counts the bytes it queued that the socket has not taken yet
/// (synced here from the output queue before every event). A message that would push that past the
/// high-water mark (1 MiB) is dropped and the connection closed with 1008; since such a client has
/// not read its last megabyte, it would not read the close frame either, so the TCP connection is
/// dropped at once rather than left holding memory until the idle timeout.
///
/// Lives on one loop and is only called from that loop's thread (see `UpgradedConnection`).
final class WebSocketSession: UpgradedConnection {
    /// What the route does with complete messages.
    enum Role {
        /// `mode: echo`: every message comes straight back.
        case echo
        /// `mode: channels`: a member of `channel`, known as `login`.
        case member(ChannelHub, channel: String, login: String)
    }

    private var connection: WebSocketConnection<LoopInstant>
    private let role: Role
    private let handle: ConnectionHandle
    private let gauge: WebSocketGauge
    private let openedAt: Int64
    /// When the state machine wants `tick`; checked on every sweep.
    private var timerAt: Int64?
    /// The state machine said `.closeConnection`.
    private var finished = false
    private var released = false

    /// Ticks run right after a batch of actions when a timer is due "now" (the draining close);
    /// bounded so no sequence of events can spin the loop.
    private static let maxImmediateTicks = 4

    init(
        configuration: WebSocketConfiguration, role: Role, handle: ConnectionHandle, gauge: WebSocketGauge, now: Int64
    ) {
        connection = WebSocketConnection(configuration: configuration, now: LoopInstant(milliseconds: now))
        self.role = role
        self.handle = handle
        self.gauge = gauge
        openedAt = now
        gauge.opened()
        for case .scheduleTimer(let at) in connection.start() { timerAt = at.milliseconds }
    }

    /// The close code sent or received first (1006 when TCP just ended); nil while open.
    var closeCode: WebSocketCloseCode? { connection.closeCode }

    // MARK: UpgradedConnection

    func received(_ bytes: UnsafeRawBufferPointer, now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        sync(output)
        return run(connection.received(bytes, now: LoopInstant(milliseconds: now)), now: now, output: &output)
    }

    func tick(now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        guard let at = timerAt, at <= now, !finished else { return .keepOpen }
        sync(output)
        timerAt = nil
        return run(connection.tick(now: LoopInstant(milliseconds: now)), now: now, output: &output)
    }

    /// A frame encoded once for a whole channel (`ChannelHub`).
    func delivered(_ payload: [UInt8], now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        sync(output)
        let actions = connection.send(encodedFrame: payload, now: LoopInstant(milliseconds: now))
        return run(actions, now: now, output: &output)
    }

    /// SIGTERM: close 1001 "going away" (RFC 6455 §7.4.1); the peer's close, or the close timeout,
    /// ends the TCP connection, within the shutdown grace period.
    func drain(now: Int64, output: inout OutputQueue) -> UpgradeDisposition {
        sync(output)
        return run(connection.goingAway(now: LoopInstant(milliseconds: now)), now: now, output: &output)
    }

    func closed() {
        guard !released else { return }
        released = true
        _ = connection.inputClosed()
        gauge.closed(durationMilliseconds: SystemClock().nowMilliseconds() - openedAt)
        if case .member(let hub, let channel, let login) = role { hub.leave(channel, handle: handle, login: login) }
    }

    // MARK: Driving the state machine

    /// The state machine's bytes are the tail of the output queue, so what is still unwritten of
    /// them is at most what the queue holds: report the rest as written.
    private func sync(_ output: OutputQueue) {
        let written = connection.queuedBytes - output.pendingBytes
        if written > 0 { connection.didWrite(written) }
    }

    private func run(
        _ first: [WebSocketConnection<LoopInstant>.Action], now: Int64, output: inout OutputQueue
    ) -> UpgradeDisposition {
        var work = first
        var index = 0
        var due = false
        var ticks = 0
        while index < work.count {
            let action = work[index]
            index += 1
            switch action {
            case .write(let bytes):
                output.append(bytes)
            case .deliver(let message):
                work += handle(message, now: now)
            case .closeConnection:
                finished = true
            case .scheduleTimer(let at):
                timerAt = at.milliseconds
                if at.milliseconds <= now { due = true }
            }
            if index == work.count && due && !finished && ticks < Self.maxImmediateTicks {
                // A timer "at now" runs after the actions before it (replies precede a draining close).
                due = false
                ticks += 1
                timerAt = nil
                work += connection.tick(now: LoopInstant(milliseconds: now))
            }
        }
        if connection.closeCode == .policyViolation && connection.state == .closing && output.pendingBytes > 0 {
            // Back-pressure close of a client that is not reading: drop it now (see the type's doc).
            finished = true
            return .closeNow
        }
        return finished ? .closeWhenFlushed : .keepOpen
    }

    /// The route's application: what a complete message does.
    private func handle(_ message: WebSocketMessage, now: Int64) -> [WebSocketConnection<LoopInstant>.Action] {
        let instant = LoopInstant(milliseconds: now)
        switch (role, message) {
        case (.echo, .text(let text)):
            return connection.send(text: text, now: instant)
        case (.echo, .binary(let bytes)):
            return connection.send(binary: bytes, now: instant)
        case (.member(let hub, let channel, let login), .text(let text)):
            // Comes back to this member too, through its loop's mailbox, like to everyone else
            // (with its offset); an envelope's ack follows on the same path.
            hub.publish(channel, handle: handle, from: login, text: text)
            return []
        case (.member, .binary):
            // RFC 6455 §7.4.1: 1003, a data type this endpoint cannot accept (channels carry text).
            return connection.close(code: .unsupportedData, reason: "channels carry text messages", now: instant)
        }
    }
}
