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
    }

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
        // Small bodies are cheaper copied than given their own iovec.
        if range.count <= 512 {
            append(shared[range])
            return
        }
        segments.append(.shared(shared, offset: range.lowerBound, count: range.count))
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

    /// Writes as much as `write` accepts. `write` gets the iovecs and returns the bytes written, 0 when
    /// the socket would block, or a negative number on error (returned as nil).
    /// - Returns: bytes written, or nil when `write` failed.
    package mutating func flush(maxSegments: Int = 64, _ write: (UnsafeBufferPointer<iovec>) -> Int) -> Int? {
        var total = 0
        while pendingBytes > 0 {
            let written: Int = local.withUnsafeMutableBytes { localBytes in
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: maxSegments) { iovs in
                    var n = 0
                    var index = first
                    while index < segments.count && n < maxSegments {
                        let skip = index == first ? firstWritten : 0
                        switch segments[index] {
                        case .local(let start, let count):
                            iovs[n] = iovec(iov_base: localBytes.baseAddress.map { $0 + start + skip }, iov_len: count - skip)
                        case .shared(let storage, let offset, let count):
                            iovs[n] = iovec(
                                iov_base: UnsafeMutableRawPointer(mutating: storage.pointer + offset + skip),
                                iov_len: count - skip)
                        }
                        n += 1
                        index += 1
                    }
                    return write(UnsafeBufferPointer(rebasing: iovs[0..<n]))
                }
            }
            if written < 0 { return nil }
            if written == 0 { break }
            total += written
            consume(written)
        }
        return total
    }

    private mutating func consume(_ count: Int) {
        var left = count
        pendingBytes -= count
        while left > 0 && first < segments.count {
            let size: Int
            switch segments[first] {
            case .local(_, let c): size = c
            case .shared(_, _, let c): size = c
            }
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
