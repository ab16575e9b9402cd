import CLinuxEvents
import Glibc

/// An upstream's address resolved once at boot (`getaddrinfo` blocks, so it never runs on a loop):
/// the `sockaddr` bytes a non-blocking `connect` needs, IPv4 or IPv6.
package struct ConnectAddress: Sendable, Equatable {
    package let family: Int32
    fileprivate let bytes: [UInt8]
    /// `host:port` as given, for logs.
    package let description: String

    /// Resolves `host` (an IP literal or a name; names take the first TCP address).
    package static func resolve(host: String, port: Int) throws(SocketError) -> ConnectAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &result)
        guard code == 0, let first = result else { throw .failed(operation: "getaddrinfo \(host)", errno: EINVAL) }
        defer { freeaddrinfo(result) }
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            if info.pointee.ai_family == AF_INET || info.pointee.ai_family == AF_INET6, let address = info.pointee.ai_addr {
                let raw = UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen))
                return ConnectAddress(family: info.pointee.ai_family, bytes: Array(raw), description: "\(host):\(port)")
            }
            node = info.pointee.ai_next
        }
        throw .failed(operation: "getaddrinfo \(host)", errno: EAFNOSUPPORT)
    }
}

/// How a non-blocking connect went on its first call.
package enum ConnectStart: Sendable, Equatable {
    /// Connected at once (loopback often is).
    case connected(Int32)
    /// In progress: wait for EPOLLOUT, then `Socket.connectOutcome`.
    case pending(Int32)
}

extension Socket {
    /// Opens a non-blocking TCP connection with TCP_NODELAY (requests leave in one packet).
    /// A refused loopback connect usually fails right here with ECONNREFUSED.
    package static func connect(to address: ConnectAddress) throws(SocketError) -> ConnectStart {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .failed(operation: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = address.bytes.withUnsafeBytes { raw in
            Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if result == 0 { return .connected(fd) }
        let code = errno
        if code == EINPROGRESS || code == EINTR { return .pending(fd) }
        Glibc.close(fd)
        throw .failed(operation: "connect", errno: code)
    }

    /// After EPOLLOUT on a pending connect: nil when connected, else the errno (`SO_ERROR`).
    package static func connectOutcome(_ fd: Int32) -> Int32? {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code == 0 ? nil : code
    }

    /// True when a kept-alive idle socket was closed by the peer or has unexpected bytes (a pooled
    /// upstream connection must be silent and open to be reused).
    package static func isStale(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if n < 0 { return !(errno == EAGAIN || errno == EWOULDBLOCK) }
        return true  // 0: closed; 1: bytes nobody asked for
    }

    /// Writes from memory without blocking: bytes written, 0 when it would block, -1 when gone.
    package static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard !bytes.isEmpty else { return 0 }
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: return -1
            }
        }
    }
}
