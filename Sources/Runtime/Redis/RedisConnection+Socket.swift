import CLinuxEvents
import Glibc

/// The socket half of `RedisConnection`: readiness events, reads into the RESP parser, replies
/// matched to pending commands in FIFO order (pipelining), pub/sub pushes, and buffered writes.
/// Runs only on the connection's thread.
extension RedisConnection {
    // MARK: socket events

    func handleSocket(flags: UInt32, now: Int64) {
        if case .connecting = phase {
            guard flags & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else { return }
            if let code = RedisSocket.pendingError(fd) {
                fail(reason: "connect \(url.host):\(url.port): \(RedisSocket.describe(code))", now: now)
                return
            }
            startHandshake(now: now)
            return
        }
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readAvailable(now: now)
        }
    }

    func readAvailable(now: Int64) {
        var total = 0
        // Bounded: at most 64 reads (1 MiB) per wake-up, so one busy connection cannot starve timers.
        for _ in 0..<64 {
            let n = read(fd, readBuffer.baseAddress, readBuffer.count)
            if n > 0 {
                parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                total += n
                if n < readBuffer.count { break }
                continue
            }
            if n == 0 {
                drainParsed(now: now)
                if fd >= 0 { fail(reason: "connection closed by server", now: now) }
                return
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { break }
            let code = errno
            drainParsed(now: now)
            if fd >= 0 { fail(reason: "read: \(RedisSocket.describe(code))", now: now) }
            return
        }
        if total > 0 { lastReadAt = now }
        drainParsed(now: now)
    }

    func drainParsed(now: Int64) {
        while fd >= 0 {
            let value: RESPValue?
            do {
                value = try parser.next()
            } catch {
                fail(reason: "protocol error: \(error)", error: .protocol(error), now: now)
                return
            }
            guard let value else { return }
            dispatch(value, now: now)
        }
    }

    func dispatch(_ value: RESPValue, now: Int64) {
        if pendingHead < pending.count {
            let entry = pending[pendingHead]
            pendingHead += 1
            if pendingHead == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            } else if pendingHead > 1024 && pendingHead * 2 > pending.count {
                pending.removeFirst(pendingHead)
                pendingHead = 0
            }
            guard let completion = entry.completion else {
                if case .error(let message) = value {
                    fail(reason: "\(entry.label) failed: \(message)", now: now)
                } else if case .handshaking = phase, !pending[pendingHead...].contains(where: { $0.completion == nil }) {
                    handshakeFinished(now: now)
                }
                return
            }
            if case .error(let message) = value {
                completion(.failure(.server(message)))
            } else {
                completion(.success(value))
            }
            return
        }
        guard let handler else {
            fail(reason: "reply without a command", error: .connectionFailed("reply without a command"), now: now)
            return
        }
        // RESP2 pub/sub push: ["message", channel, payload]; confirmations and pongs are ignored.
        if case .array(let items?) = value, items.count == 3, items[0].text == "message",
            let channel = items[1].text, case .bulkString(let payload?) = items[2]
        {
            handler(channel, payload)
        }
    }

    // MARK: writes

    func flush(now: Int64) {
        guard fd >= 0, outputOffset < output.count else { return }
        if case .connecting = phase { return }
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return send(fd, base + outputOffset, buffer.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            fail(reason: "write: \(RedisSocket.describe(errno))", now: now)
            return
        }
        if outputOffset == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            outputOffset = 0
        }
        setWatchingWrites(outputOffset < output.count)
    }

    func setWatchingWrites(_ wanted: Bool) {
        guard wanted != watchingWrites, fd >= 0 else { return }
        watchingWrites = wanted
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (wanted ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)
    }
}
