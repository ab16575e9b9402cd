import Glibc

/// One readiness check of a backend on 127.0.0.1: with a `health:` path, `GET path` must answer
/// 2xx; without one, the port must accept a TCP connection. Blocking, with a deadline, on the
/// backend's supervisor thread (never on a server loop).
package enum HealthProbe {
    /// Nil when healthy, else why not (for logs and readiness).
    package static func check(port: Int, path: String?, timeoutMilliseconds: Int) -> String? {
        let deadline = SystemClock().nowMilliseconds() + Int64(timeoutMilliseconds)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return "socket: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            guard errno == EINPROGRESS else { return "connect to port \(port): \(String(cString: strerror(errno)))" }
            guard wait(fd, for: Int16(POLLOUT), until: deadline) else { return "connect to port \(port): timed out" }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code != 0 { return "connect to port \(port): \(String(cString: strerror(code)))" }
        }
        guard let path else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: piloto-health\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && errno == EAGAIN, wait(fd, for: Int16(POLLOUT), until: deadline) else {
                return "GET \(path): send failed"
            }
        }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while head.count < 4096 {
            if let status = statusCode(head) { return (200..<300).contains(status) ? nil : "GET \(path) answered \(status)" }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { head += buffer[0..<n]; continue }
            if n == 0 { return "GET \(path): connection closed before a status line" }
            if errno == EINTR { continue }
            guard errno == EAGAIN, wait(fd, for: Int16(POLLIN), until: deadline) else {
                return errno == EAGAIN ? "GET \(path): no answer within \(timeoutMilliseconds) ms" : "GET \(path): \(String(cString: strerror(errno)))"
            }
        }
        return "GET \(path): status line too long"
    }

    /// The status of `HTTP/1.x NNN …\r\n` once the status line is complete; nil before (pure).
    package static func statusCode(_ head: [UInt8]) -> Int? {
        guard let end = head.firstIndex(of: 0x0A) else { return nil }
        let line = String(decoding: head[..<end], as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].utf8.count == 3, let code = Int(parts[1]) else {
            return 0  // a complete line that is not HTTP: unhealthy, reported as status 0
        }
        return code
    }

    private static func wait(_ fd: Int32, for events: Int16, until deadline: Int64) -> Bool {
        while true {
            let remaining = deadline - SystemClock().nowMilliseconds()
            guard remaining > 0 else { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: remaining))
            if ready > 0 { return true }
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { return false }
            return false
        }
    }
}
