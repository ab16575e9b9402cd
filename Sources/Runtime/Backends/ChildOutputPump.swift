import CLinuxEvents
import Glibc

/// Reads a child's stdout and stderr pipes on one thread until both reach end of file, handing each
/// line to `emit`. Blocking poll(2) on two descriptors: a backend's output is a trickle, and this
/// thread never touches a server loop.
///
/// It ends when every writer closed its end, which may be after the child itself exited (a
/// grandchild holding the pipe); the supervisor kills the child's process group when the child
/// dies, so that cannot last.
enum ChildOutputPump {
    /// Starts the thread; it owns (and closes) both descriptors. False if no thread could be made
    /// (the descriptors are closed then, and the child's writes fail with EPIPE, which is harmless).
    @discardableResult
    static func start(_ child: SpawnedChild, emit: @escaping @Sendable (String, OutputStream) -> Void) -> Bool {
        let started = OSThread.start {
            piloto_name_this_thread("piloto-backend")
            pump(stdout: child.stdout, stderr: child.stderr, emit: emit)
        }
        if !started {
            close(child.stdout)
            close(child.stderr)
        }
        return started
    }

    private static func pump(stdout: Int32, stderr: Int32, emit: (String, OutputStream) -> Void) {
        var descriptors = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
        var splitters = [LineSplitter(), LineSplitter()]
        let streams: [OutputStream] = [.stdout, .stderr]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var open = 2
        while open > 0 {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    for line in splitters[index].append(buffer[0..<count]) { emit(line, streams[index]) }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    if let last = splitters[index].finish() { emit(last, streams[index]) }
                    close(descriptors[index].fd)
                    descriptors[index].fd = -1  // poll ignores negative descriptors
                    open -= 1
                }
            }
        }
        for descriptor in descriptors where descriptor.fd >= 0 { close(descriptor.fd) }
    }
}
