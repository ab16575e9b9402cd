import CLinuxEvents
import Glibc

/// A peer address as the server needs it: printable IP for logs and a loopback test for the
/// metrics route.
package struct SocketAddress: Sendable, Equatable {
    package var ip: String
    package var isLoopback: Bool

    package init(ip: String, isLoopback: Bool) {
        self.ip = ip
        self.isLoopback = isLoopback
    }

    private static func string(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    init(_ storage: sockaddr_storage) {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            let addr = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee } }
            var inAddr = addr.sin_addr
            inet_ntop(AF_INET, &inAddr, &text, socklen_t(text.count))
            // 127.0.0.0/8 (RFC 1122 §3.2.1.3).
            let firstOctet = UInt32(bigEndian: addr.sin_addr.s_addr) >> 24
            self.init(ip: Self.string(text), isLoopback: firstOctet == 127)
        case AF_INET6:
            let addr = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee } }
            var inAddr = addr.sin6_addr
            inet_ntop(AF_INET6, &inAddr, &text, socklen_t(text.count))
            let ip = Self.string(text)
            self.init(ip: ip, isLoopback: ip == "::1" || ip.hasPrefix("::ffff:127."))
        default:
            self.init(ip: "unix", isLoopback: true)
        }
    }
}
