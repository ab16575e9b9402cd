import Foundation
import Glibc
@testable import PilotoConfig
@testable import PilotoRuntime
import PilotoTestKit

/// A temporary directory with a built-SPA-like tree, and a secret file planted beside the root.
final class SiteFixture {
    let base: String
    let root: String

    init() throws {
        base = NSTemporaryDirectory() + "piloto-site-" + UUID().uuidString
        root = base + "/dist"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/assets", withIntermediateDirectories: true)
        try "<!doctype html><title>app</title>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        let js = String(repeating: "console.log('piloto');\n", count: 200)
        try js.write(toFile: root + "/assets/app-1a2b.js", atomically: true, encoding: .utf8)
        try "gzipped-bytes".write(toFile: root + "/assets/app-1a2b.js.gz", atomically: true, encoding: .utf8)
        try "brotli-bytes".write(toFile: root + "/assets/app-1a2b.js.br", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: root + "/assets/site.css", atomically: true, encoding: .utf8)
        try "TOP-SECRET".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        // A symlink pointing out of the root must never be served.
        try fm.createSymbolicLink(atPath: root + "/leak.txt", withDestinationPath: base + "/secret.txt")
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    var jsBody: String { String(repeating: "console.log('piloto');\n", count: 200) }

    func routes(metricsRemote: Bool = false) -> [Route] {
        [
            Route(path: "/api/health", handler: .health, authRequired: false),
            Route(path: "/metrics", handler: .metrics(MetricsRoute(allowRemote: metricsRemote)), authRequired: false),
            Route(
                path: "/assets",
                handler: .staticFiles(StaticRoute(root: ConfigPath(asWritten: "dist/assets", resolved: root + "/assets"), cache: .immutable)),
                authRequired: false),
            Route(
                path: "/", handler: .spa(SPARoute(root: ConfigPath(asWritten: "dist", resolved: root), index: "index.html")),
                authRequired: false),
        ]
    }
}

/// A running server on 127.0.0.1:0 for one test.
final class RunningServer {
    let server: Server
    let port: Int
    let logs = CapturingSink()

    init(_ config: PilotoConfig) throws {
        let logger = Logger(sink: logs, project: config.service.project)
        server = try Server(config: config, host: "127.0.0.1", port: 0, logger: logger)
        try server.start()
        port = server.boundPort ?? 0
    }

    deinit { server.stopForTest(closingLogger: true) }
}

/// A blocking TCP client for raw bytes.
final class RawClient: @unchecked Sendable {
    let fd: Int32

    /// - Parameter receiveBuffer: a small SO_RCVBUF makes the server hit back-pressure quickly.
    init(port: Int, receiveTimeoutSeconds: Int = 5, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw SocketError.failed(operation: "connect", errno: errno) }
        var tv = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Everything until the server closes (or the receive timeout).
    func readUntilClose() -> String {
        var out = pending
        pending = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the server closed the connection (EOF) within the receive timeout.
    func closedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    var pending: [UInt8] = []

    /// Reads exactly one response (Content-Length framed); nil on EOF/timeout.
    func readResponse(head: Bool = false) -> (status: Int, headers: [String: String], body: String, raw: String)? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let (response, used) = Self.framedResponse(pending, head: head) {
                pending.removeFirst(used)
                return response
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            pending += buffer[0..<n]
        }
    }

    /// The first complete Content-Length-framed response in `bytes` and how many bytes it took;
    /// nil while it is incomplete. Shared by the socket client and `InProcessClient` answers.
    static func framedResponse(
        _ bytes: [UInt8], head: Bool
    ) -> (response: (status: Int, headers: [String: String], body: String, raw: String), used: Int)? {
        guard bytes.count >= 4,
            let end = (0...(bytes.count - 4)).first(where: {
                bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10
            }).map({ $0 + 4 })
        else { return nil }
        let headText = String(decoding: bytes[0..<end], as: UTF8.self)
        let lines = headText.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where line.contains(":") {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        var length = Int(headers["content-length"] ?? "0") ?? 0
        if head || status == 304 || status == 100 { length = 0 }
        guard bytes.count >= end + length else { return nil }
        let body = String(decoding: bytes[end..<(end + length)], as: UTF8.self)
        let raw = String(decoding: bytes[0..<(end + length)], as: UTF8.self)
        return ((status, headers, body, raw), end + length)
    }
}

/// Runs `executable` with `arguments` to the end; returns its exit status and its stdout and
/// stderr together (what a failed expectation should show).
func runCombiningOutput(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// Runs curl and returns (exit code, stdout).
func curl(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "--max-time", "10"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
