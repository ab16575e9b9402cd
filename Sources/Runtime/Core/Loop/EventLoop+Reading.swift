import CLinuxEvents
import Glibc
import Synchronization

/// Reading one connection: epoll's event, read to EAGAIN (edge-triggered), feed the HTTP state
/// machine or the upgraded protocol, and stop reading under back-pressure. Kept apart from
/// answering and writing so the read loop's conditions can be read in one screen.
extension EventLoop {
    func handle(fd: Int32, flags: UInt32, now: Int64) {
        guard fd >= 0, Int(fd) < connections.count, let slot = connections[Int(fd)] else { return }
        if flags & EPOLLERR.rawValue != 0 {
            closeConnection(slot)
            return
        }
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0 { slot.mayHaveUnreadInput = true }
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
                slot.mayHaveUnreadInput = false
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
            slot.mayHaveUnreadInput = !drained
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
            // `consume`: the request's head, body and path move out of the action into the
            // request the responder sees, instead of being copied (a retain per field) and then
            // released with the action.
            switch consume action {
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
}
