import Glibc

/// Bytes waiting for a Redis socket, written in order as the socket takes them
/// (`RedisLoopSocket`); the socket is non-blocking, so a full one leaves the rest queued.
struct RedisWriteQueue {
    enum Outcome {
        /// Everything is written, or the socket is full (`pending` says which).
        case written(pending: Bool)
        case failed(reason: String)
    }

    private var output: [UInt8] = []
    private var offset = 0

    var isEmpty: Bool { offset >= output.count }

    mutating func append(_ bytes: [UInt8]) { output += bytes }

    mutating func removeAll() {
        output.removeAll(keepingCapacity: false)
        offset = 0
    }

    /// Sends until the queue is empty or the socket would block.
    mutating func flush(to fd: Int32) -> Outcome {
        while offset < output.count {
            let start = offset
            let n = output.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return send(fd, base + start, buffer.count - start, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            return .failed(reason: "write: \(RedisSocket.describe(errno))")
        }
        if offset == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            offset = 0
        }
        return .written(pending: offset < output.count)
    }
}
