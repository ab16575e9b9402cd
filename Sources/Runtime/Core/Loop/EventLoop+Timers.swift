import CLinuxEvents
import Glibc
import Synchronization

/// Deadlines and SIGTERM drain.
extension EventLoop {
    // MARK: timers and drain

    /// Enforces every deadline: slow or idle clients are cut off here, so they can never hold a
    /// connection slot past `header_timeout`/`body_timeout`/`idle_timeout`.
    func sweep(now: Int64) {
        if !listening && !drainHandled
            && context.counters.active.load(ordering: .relaxed) < context.maxConnections
        {
            startListening()
        }
        sockets.tickAll(now: now)
        for case let slot? in connections {
            if let active = slot.exchange {
                active.exchange.tick(now: now)
                guard isCurrent(slot) else { continue }
            }
            if !slot.output.isEmpty {
                // A client that stopped reading its responses (slow reader).
                if now - slot.lastWriteProgress > context.timeouts.idle { closeConnection(slot) }
                continue
            }
            if slot.closeWhenFlushed {
                lingeringClose(slot)
                continue
            }
            if let pending = slot.pending {
                expireIfOverdue(pending, on: slot, now: now)
                continue
            }
            if slot.exchange != nil { continue }
            if let upgraded = slot.upgraded {
                if apply(upgraded.tick(now: now, output: &slot.output), to: slot) { flush(slot, now: now) }
                continue
            }
            switch slot.http.timeoutAction(now: now) {
            case .none:
                break
            case .close:
                closeConnection(slot)
            case .requestTimeout:
                // RFC 9110 §15.5.9: 408, then close.
                slot.http.stopAfterCurrent()
                slot.closeWhenFlushed = true
                context.serializer.writeError(.requestTimeout, date: date, into: &slot.output)
                flush(slot, now: now)
            }
        }
    }

    /// SIGTERM: stop accepting, close idle keep-alive connections, let in-flight requests finish
    /// (their responses carry `Connection: close`).
    func beginDrain() {
        drainHandled = true
        stopListening()
        context.listenerAcks.acknowledge(then: context.listenerReleased)
        let now = context.clock.nowMilliseconds()
        for case let slot? in connections {
            if let pending = slot.pending {
                expireIfOverdue(pending, on: slot, now: now)
                continue
            }
            if let active = slot.exchange {
                active.exchange.drain(now: now)
                continue
            }
            if let upgraded = slot.upgraded {
                if apply(upgraded.drain(now: now, output: &slot.output), to: slot) { flush(slot, now: now) }
            } else if slot.http.isIdle && slot.output.isEmpty {
                closeConnection(slot)
            }
        }
    }

    /// A deferred handler that never answers: 503 after idle_timeout, then close. Shared by the
    /// sweep and the drain so a hung handler is cut off the same way whichever sees it first.
    private func expireIfOverdue(_ pending: PendingResponse, on slot: ConnectionSlot, now: Int64) {
        guard now - pending.startedAt >= context.timeouts.idle else { return }
        _ = slot.phase.takePending()
        slot.http.stopAfterCurrent()
        slot.closeWhenFlushed = true
        finish(slot, answer: .response(HTTPError(.serviceUnavailable, "handler timed out").response),
               request: pending.request, context: pending.context, now: now)
        flush(slot, now: now)
    }
}
