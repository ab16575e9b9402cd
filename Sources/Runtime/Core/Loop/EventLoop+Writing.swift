import CLinuxEvents
import Glibc
import Synchronization

/// Writing and closing: one `writev` per flush, write-space edges only once needed, resuming
/// reads when back-pressure lifts, lingering close. Every path that ends a connection ends here.
extension EventLoop {
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
