import CLinuxEvents
import Glibc

/// Immutable bytes at a stable address, shared by every response that sends them (file bodies,
/// prebuilt heads). Never mutated after init, so the kernel may read them while other threads do.
package final class SharedBytes: Sendable {
    private nonisolated(unsafe) let base: UnsafeMutableRawPointer
    package let count: Int
    /// An in-memory file holding the same bytes, or -1: large bodies are sent from it with
    /// `sendfile(2)`, which spares the copy from user memory into the socket that dominates the
    /// CPU profile of big assets (nginx does the same from the page cache).
    package let fileDescriptor: Int32

    /// - Parameter mirrorInFile: also keep the bytes in a memfd for `sendfile` (for big bodies).
    package init(_ bytes: some Collection<UInt8>, mirrorInFile: Bool = false) {
        count = bytes.count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        UnsafeMutableRawBufferPointer(start: base, count: count).copyBytes(from: bytes)
        fileDescriptor = mirrorInFile ? Self.memoryFile(base, count) : -1
    }

    /// The bytes; valid as long as this object is alive.
    package var pointer: UnsafeRawPointer { UnsafeRawPointer(base) }

    /// `range` of the bytes, in place; valid as long as this object is alive.
    package func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    package subscript(range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    deinit {
        if fileDescriptor >= 0 { close(fileDescriptor) }
        base.deallocate()
    }

    /// A memfd with a copy of the bytes, or -1 when the kernel refuses (then plain writes are used).
    private static func memoryFile(_ base: UnsafeMutableRawPointer, _ count: Int) -> Int32 {
        let fd = piloto_memfd_create("piloto-body")
        guard fd >= 0 else { return -1 }
        var done = 0
        while done < count {
            let n = write(fd, base + done, count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                return -1
            }
            done += n
        }
        return fd
    }
}
