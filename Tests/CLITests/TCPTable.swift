import Foundation

/// A process's view of its TCP sockets, from `/proc/<pid>/net/tcp` and `tcp6` (a dual-stack
/// listener's IPv4 peers show there as `::ffff:127.0.0.1`).
///
/// Used where a test must know that a child server has *read* what a client sent (not just that
/// the kernel buffered it): the server-side socket's receive queue is empty once the process read
/// it. Matched by ports only: the tests use loopback alone.
enum TCPTable {
    /// `rx_queue` of the socket on local port `serverPort` whose peer's port is `clientPort`, or
    /// nil when there is no such socket (not accepted by the kernel yet, or closed).
    static func receiveQueue(pid: Int32, serverPort: Int, clientPort: Int) -> Int? {
        let local = ":" + hex(serverPort)
        let remote = ":" + hex(clientPort)
        for file in ["tcp", "tcp6"] {
            guard let table = read("/proc/\(pid)/net/\(file)") else { continue }
            for line in table.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx_queue:rx_queue ...
                let fields = line.split(separator: " ")
                guard fields.count > 4, fields[1].hasSuffix(local), fields[2].hasSuffix(remote) else { continue }
                let queues = fields[4].split(separator: ":")
                return queues.count == 2 ? Int(queues[1], radix: 16) : nil
            }
        }
        return nil
    }

    /// /proc files report size 0, so read until EOF rather than trusting the size.
    private static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    private static func hex(_ port: Int) -> String {
        let digits = String(port, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
