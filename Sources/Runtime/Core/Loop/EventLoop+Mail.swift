import CLinuxEvents
import Glibc
import Synchronization

/// Mail from other threads (deliver to upgraded connections, close, complete a promise, adopt a
/// socket, application work), run on the loop's thread; and carrying out an upgraded protocol's wish.
extension EventLoop {
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
            case .run(let work):
                work(sockets)
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
            case .deliverEach, .adopt, .run:
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
}
