/// Names one accepted connection for other threads (e.g. a WebSocket channel broadcasting to its
/// members on other loops). The generation makes a handle to a closed connection harmless even when
/// the kernel reuses its file descriptor.
package struct ConnectionHandle: Sendable, Hashable {
    package let loop: Int
    package let fd: Int32
    package let generation: UInt64

    package init(loop: Int, fd: Int32, generation: UInt64) {
        self.loop = loop
        self.fd = fd
        self.generation = generation
    }
}
