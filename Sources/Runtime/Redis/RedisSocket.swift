import CLinuxEvents
import Glibc

/// Outgoing TCP for the Redis client: resolve, then a non-blocking `connect` whose completion is
/// observed through EPOLLOUT + SO_ERROR (connect(2), "EINPROGRESS").
enum RedisSocket {
    /// A socket with a connect in progress (or already connected on loopback).
    /// Name resolution uses getaddrinfo(3), which blocks the calling loop for a DNS lookup; an IP
    /// address (Memorystore is addressed by IP) or a name in /etc/hosts resolves without one.
    static func startConnect(host: String, port: Int) -> Result<Int32, RedisLinkError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
            return .failure(.resolve(host: host, reason: reason))
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let fd = socket(info.pointee.ai_family, type, 0)
            guard fd >= 0 else {
                lastErrno = errno
                continue
            }
            var one: Int32 = 1
            // Commands are small and latency-bound: no Nagle delay.
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var result: Int32
            repeat {
                result = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            } while result != 0 && errno == EINTR
            if result == 0 || errno == EINPROGRESS { return .success(fd) }
            lastErrno = errno
            close(fd)
        }
        return .failure(.connect(reason: describe(lastErrno)))
    }

    /// The outcome of a non-blocking connect once the socket is writable: nil when connected.
    static func pendingError(_ fd: Int32) -> Int32? {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code == 0 ? nil : code
    }

    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
