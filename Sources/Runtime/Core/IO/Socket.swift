import CLinuxEvents
import Glibc

/// Thin wrappers over the socket syscalls the server needs. Every call is non-blocking, retries
/// on EINTR, and reports failures as `SocketError` with the operation name and errno.
package enum Socket {
    /// A non-blocking TCP listener on `host:port` (IPv4), with SO_REUSEADDR so restarts bind at once.
    package static func listen(host: String, port: Int, backlog: Int32 = 4096) throws(SocketError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .failed(operation: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw .failed(operation: "inet_pton", errno: EINVAL)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .failed(operation: "bind", errno: code)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw .failed(operation: "listen", errno: code)
        }
        return fd
    }

    /// The port a socket is bound to (for port 0 in tests).
    package static func boundPort(_ fd: Int32) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Accepts one connection: non-blocking, close-on-exec, TCP_NODELAY (one packet per response,
    /// no Nagle delay). Returns nil when none is pending.
    package static func accept(_ listener: Int32) throws(SocketError) -> (fd: Int32, peer: SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.accept(listener, $0, &length)
                }
            }
            if fd >= 0 {
                // accept4 is hidden behind _GNU_SOURCE in Glibc's module map: set the flags by hand.
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return (fd, SocketAddress(storage))
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            // The peer gave up before we accepted: not our failure, try the next one.
            case ECONNABORTED, EPROTO: continue
            default: throw .failed(operation: "accept", errno: errno)
            }
        }
    }

    /// Reads into `buffer`; 0 bytes means the peer closed its side.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        while true {
            let n = piloto_read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .wouldBlock
            case ECONNRESET, EPIPE: throw .peerClosed
            default: throw .failed(operation: "read", errno: errno)
            }
        }
    }

    /// One vectored send; MSG_NOSIGNAL so a closed peer never raises SIGPIPE.
    /// - Returns: bytes written, 0 when the socket would block, -1 when the connection is gone.
    /// - Parameter more: more bytes follow at once (`MSG_MORE`: the kernel holds a partial packet).
    package static func writev(_ fd: Int32, _ iovs: UnsafeBufferPointer<iovec>, more: Bool = false) -> Int {
        var message = msghdr()
        message.msg_iov = UnsafeMutablePointer(mutating: iovs.baseAddress)
        message.msg_iovlen = iovs.count
        let flags = Int32(MSG_NOSIGNAL) | (more ? Int32(MSG_MORE) : 0)
        while true {
            let n = piloto_sendmsg(fd, &message, flags)
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: return -1
            }
        }
    }

    /// `sendfile(2)` from `file` at `offset`: bytes sent, 0 when the socket would block, -1 on error.
    /// The socket has `SIGPIPE` ignored process-wide (sendfile takes no `MSG_NOSIGNAL`).
    package static func sendFile(_ fd: Int32, from file: Int32, offset: Int, count: Int) -> Int {
        var position = off_t(offset)
        while true {
            let n = Glibc.sendfile(fd, file, &position, count)
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: return -1
            }
        }
    }
}
