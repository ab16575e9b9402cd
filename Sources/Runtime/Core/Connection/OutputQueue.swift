import Glibc

/// The bytes a connection still has to send, in order, as a list of segments: heads copied into
/// one reusable per-connection buffer, bodies referenced in place from shared immutable storage.
///
/// Everything queued is sent with one `writev` per flush (one syscall for a whole batch of
/// pipelined responses). Nothing here touches a socket: `flush` takes the write function.
package struct OutputQueue: Sendable {
    private enum Segment: Sendable {
        case local(start: Int, count: Int)
        case shared(SharedBytes, offset: Int, count: Int)
        /// Sent with `sendfile(2)` from the bytes' memfd mirror (same bytes as `.shared`).
        case file(SharedBytes, offset: Int, count: Int)

        var count: Int {
            switch self {
            case .local(_, let c), .shared(_, _, let c), .file(_, _, let c): c
            }
        }
    }

    /// Bodies at least this big go out with `sendfile` when they have a memfd mirror: below it, the
    /// second syscall costs more than the copy it saves.
    package static let sendfileThreshold = 16 * 1024

    private var local: [UInt8] = []
    private var segments: [Segment] = []
    /// Segments before this index are fully written.
    private var first = 0
    /// Bytes of `segments[first]` already written.
    private var firstWritten = 0
    package private(set) var pendingBytes = 0

    /// Nothing is reserved up front: a thousand idle connections should cost next to nothing; the
    /// buffers grow on first use and are then reused.
    package init() {}

    package var isEmpty: Bool { pendingBytes == 0 }

    /// Everything still queued, as one array: what the next flushes would write. For clients that
    /// drive a responder without a socket (`PilotoTestKit.InProcessClient`); the loop never copies.
    package var queuedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pendingBytes)
        for index in first..<segments.count {
            let skip = index == first ? firstWritten : 0
            switch segments[index] {
            case .local(let start, let count): out += local[(start + skip)..<(start + count)]
            case .shared(let bytes, let offset, let count), .file(let bytes, let offset, let count):
                out += bytes[(offset + skip)..<(offset + count)]
            }
        }
        return out
    }

    /// Copies `bytes` into the connection's own buffer.
    package mutating func append(_ bytes: some Collection<UInt8>) {
        guard !bytes.isEmpty else { return }
        let start = local.count
        local.append(contentsOf: bytes)
        appendLocalSegment(start: start, count: bytes.count)
    }

    /// Queues a slice of shared bytes without copying them.
    package mutating func append(shared: SharedBytes, range: Range<Int>) {
        guard !range.isEmpty else { return }
        // Small bodies are cheaper copied than given their own iovec (straight from the shared
        // bytes: `shared[range]` would allocate an array per response first).
        if range.count <= 512 {
            append(shared.bytes(range))
            return
        }
        if shared.fileDescriptor >= 0 && range.count >= Self.sendfileThreshold {
            segments.append(.file(shared, offset: range.lowerBound, count: range.count))
        } else {
            segments.append(.shared(shared, offset: range.lowerBound, count: range.count))
        }
        pendingBytes += range.count
    }

    private mutating func appendLocalSegment(start: Int, count: Int) {
        pendingBytes += count
        if let last = segments.last, segments.count > first, case .local(let s, let c) = last, s + c == start {
            segments[segments.count - 1] = .local(start: s, count: c + count)
        } else {
            segments.append(.local(start: start, count: count))
        }
    }

    /// Writes as much as the socket accepts.
    /// - Parameters:
    ///   - write: gets the iovecs and whether more bytes follow at once (so the head of a response
    ///     whose body goes by `sendFile` can be held back with `MSG_MORE` and leave in one packet);
    ///     returns the bytes written, 0 when the socket would block, or a negative number on error.
    ///   - sendFile: `(fd, offset, count)` → bytes sent, 0, or negative, like `write`; nil sends file
    ///     segments from memory with `write` instead.
    /// - Returns: bytes written, or nil when a write failed.
    package mutating func flush(
        maxSegments: Int = 64, _ write: (UnsafeBufferPointer<iovec>, _ more: Bool) -> Int,
        sendFile: ((Int32, Int, Int) -> Int)? = nil
    ) -> Int? {
        var total = 0
        while pendingBytes > 0 {
            let written: Int
            if let sendFile, case .file(let storage, let offset, let count) = segments[first] {
                written = sendFile(storage.fileDescriptor, offset + firstWritten, count - firstWritten)
            } else {
                written = writeMemory(maxSegments: maxSegments, stopAtFiles: sendFile != nil, write)
            }
            if written < 0 { return nil }
            if written == 0 { break }
            total += written
            consume(written)
        }
        return total
    }

    /// Writes the memory segments from `first` on (up to the next file segment when those go by
    /// `sendfile`) with one vectored write.
    private func writeMemory(
        maxSegments: Int, stopAtFiles: Bool, _ write: (UnsafeBufferPointer<iovec>, _ more: Bool) -> Int
    ) -> Int {
        local.withUnsafeBytes { localBytes in
            withUnsafeTemporaryAllocation(of: iovec.self, capacity: maxSegments) { iovs in
                var n = 0
                var index = first
                var more = false
                while index < segments.count && n < maxSegments {
                    let skip = index == first ? firstWritten : 0
                    switch segments[index] {
                    case .file where stopAtFiles:
                        more = true  // the head waits (MSG_MORE) for the body `sendFile` sends next
                    case .local(let start, let count):
                        iovs[n] = iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: localBytes.baseAddress.map { $0 + start + skip }),
                            iov_len: count - skip)
                    case .shared(let storage, let offset, let count), .file(let storage, let offset, let count):
                        iovs[n] = iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: storage.pointer + offset + skip),
                            iov_len: count - skip)
                    }
                    if more { break }
                    n += 1
                    index += 1
                }
                return write(UnsafeBufferPointer(rebasing: iovs[0..<n]), more)
            }
        }
    }

    private mutating func consume(_ count: Int) {
        var left = count
        pendingBytes -= count
        while left > 0 && first < segments.count {
            let size = segments[first].count
            let remaining = size - firstWritten
            if left >= remaining {
                left -= remaining
                first += 1
                firstWritten = 0
            } else {
                firstWritten += left
                left = 0
            }
        }
        if pendingBytes == 0 {
            // Keep a normal-sized buffer for reuse; give back one that a burst made large.
            if local.capacity > 64 * 1024 { local = [] } else { local.removeAll(keepingCapacity: true) }
            if segments.capacity > 256 { segments = [] } else { segments.removeAll(keepingCapacity: true) }
            first = 0
            firstWritten = 0
        }
    }
}
