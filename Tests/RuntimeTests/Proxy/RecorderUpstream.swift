import Foundation
import Glibc
import Synchronization

/// A raw-socket upstream for proxy tests: it records exactly the bytes each request arrived as
/// (head and Content-Length body) and answers as the test scripts it. One thread per connection,
/// blocking sockets: the opposite of the server under test, so bugs do not cancel out.
final class RecorderUpstream: @unchecked Sendable {
    /// What to do with one request.
    enum Reply {
        /// Send these bytes, then keep the connection for the next request.
        case bytes([UInt8])
        /// Send these bytes, then close.
        case bytesThenClose([UInt8])
        /// Send the pieces one by one, calling `between` before each piece after the first.
        case pieces([[UInt8]], between: @Sendable (Int) -> Void)
        /// Never answer (until the client closes).
        case silent
        /// Close at once without answering.
        case close
    }

    struct Received: Sendable {
        let connection: Int
        let head: String
        let body: [UInt8]

        /// Header values by lower-cased name, in order.
        func values(_ name: String) -> [String] {
            head.components(separatedBy: "\r\n").dropFirst().compactMap { line in
                guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else { return nil }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }

        var requestLine: String { head.components(separatedBy: "\r\n").first ?? "" }
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(requests: [Received], connections: Int, closedByPeer: Int)>(([], 0, 0))
    private let script: @Sendable (Received) -> Reply
    private let stopped = Atomic(false)

    init(port: Int = 0, script: @escaping @Sendable (Received) -> Reply) throws {
        self.script = script
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var requests: [Received] { state.withLock { $0.requests } }
    var connections: Int { state.withLock { $0.connections } }
    /// Connections on which the proxy closed its side (EOF seen by the upstream).
    var closedByPeer: Int { state.withLock { $0.closedByPeer } }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let number = state.withLock { s in
                s.connections += 1
                return s.connections
            }
            Thread.detachNewThread { [self] in serve(fd, connection: number) }
        }
    }

    private func serve(_ fd: Int32, connection: Int) {
        defer { close(fd) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            pending += buffer[0..<n]
            return true
        }
        func write(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                offset += n
            }
        }
        while true {
            var headEnd: Int?
            while headEnd == nil {
                if let range = pending.firstRange(of: [13, 10, 13, 10]) { headEnd = range.upperBound } else if !fill() {
                    state.withLock { $0.closedByPeer += 1 }
                    return
                }
            }
            let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
            let length = head.components(separatedBy: "\r\n").compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            let chunked = head.lowercased().contains("\r\ntransfer-encoding: chunked\r\n")
            let body: [UInt8]
            if chunked {
                // Decodes the chunked body (sizes in hex, extensions ignored, no trailers expected).
                pending.removeFirst(headEnd!)
                var decoded: [UInt8] = []
                while true {
                    while pending.firstRange(of: [13, 10]) == nil { guard fill() else { return } }
                    let line = pending.firstRange(of: [13, 10])!
                    let sizeText = String(decoding: pending[0..<line.lowerBound], as: UTF8.self).split(separator: ";")[0]
                    let size = Int(sizeText, radix: 16) ?? 0
                    pending.removeFirst(line.upperBound)
                    while pending.count < size + 2 { guard fill() else { return } }
                    decoded += pending[0..<size]
                    pending.removeFirst(size + 2)
                    if size == 0 { break }
                }
                body = decoded
            } else {
                while pending.count < headEnd! + length {
                    guard fill() else { return }
                }
                body = Array(pending[headEnd!..<(headEnd! + length)])
                pending.removeFirst(headEnd! + length)
            }
            let received = Received(connection: connection, head: head, body: body)
            state.withLock { $0.requests.append(received) }
            switch script(received) {
            case .bytes(let bytes):
                write(bytes)
            case .bytesThenClose(let bytes):
                write(bytes)
                return
            case .pieces(let pieces, let between):
                for (index, piece) in pieces.enumerated() {
                    if index > 0 { between(index) }
                    write(piece)
                }
            case .silent:
                while fill() {}
                state.withLock { $0.closedByPeer += 1 }
                return
            case .close:
                return
            }
        }
    }

    /// `HTTP/1.1 <status>` with a Content-Length body.
    static func response(_ status: Int = 200, _ body: String, headers: [String] = []) -> [UInt8] {
        let extra = headers.map { $0 + "\r\n" }.joined()
        return Array("HTTP/1.1 \(status) X\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)".utf8)
    }
}
