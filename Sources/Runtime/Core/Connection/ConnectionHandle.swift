/// Names one accepted connection for other threads (e.g. a WebSocket channel broadcasting to its
/// members on other loops). The generation makes a handle to a closed connection harmless even when
/// the kernel reuses its file descriptor.
package struct ConnectionHandle: Sendable, Hashable {
    package let loop: Int
    package let fd: Int32
    package let generation: UInt64

    /// Public to the package for clients that answer without a connection (`InProcessClient`).
    package init(loop: Int, fd: Int32, generation: UInt64) { (self.loop, self.fd, self.generation) = (loop, fd, generation) }
}
