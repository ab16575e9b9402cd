import Foundation
import Glibc
import PilotoTestKit
import Testing
@testable import PilotoCLI

/// `piloto serve`: argument and boot failures in-process, SIGTERM drain against the built binary.
struct ServeCommandTests {
    /// A temp folder with a config and a built SPA.
    final class App {
        let dir: String
        init(grace: String = "5s", withDist: Bool = true) throws {
            dir = NSTemporaryDirectory() + "piloto-serve-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir + "/dist/assets", withIntermediateDirectories: true)
            if withDist {
                try "<!doctype html><title>demo</title>".write(toFile: dir + "/dist/index.html", atomically: true, encoding: .utf8)
                try String(repeating: "x", count: 3_000_000).write(toFile: dir + "/dist/assets/big.js", atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(atPath: dir + "/dist")
            }
            let yaml = """
                service:
                  name: demo
                  domain: app.example.com
                  project: demo-project
                  image: southamerica-east1-docker.pkg.dev/demo-project/piloto/demo:1
                build:
                  frontend:
                    path: frontend
                    node: "20"
                    install: npm ci
                    build: npm run build
                    output: dist
                server:
                  port: 8080
                  shutdown_grace: \(grace)
                routes:
                  - path: /api/health
                    handler: health
                  - path: /assets
                    handler: static
                    root: dist/assets
                    cache: immutable
                  - path: /
                    handler: spa
                    root: dist

                """
            try yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }
        var config: String { dir + "/piloto.yaml" }
    }

    @Test func badPort_isUsageError() {
        let err = Output.capture()
        #expect(run(arguments: ["serve", "--port", "99999"], stdout: .capture(), stderr: err) == 2)
        #expect(err.text.contains("--port expects a number"))
    }

    @Test func missingConfig_exit2() {
        let err = Output.capture()
        #expect(run(arguments: ["serve", "--config", "/nonexistent/piloto.yaml"], stdout: .capture(), stderr: err) == 2)
        #expect(err.text.contains("cannot read config file"))
    }

    @Test func invalidConfig_exit2_withTheLoaderMessages() throws {
        let app = try App()
        let text = try String(contentsOfFile: app.config, encoding: .utf8)
        try (text + "unknown_section: 1\n").write(toFile: app.config, atomically: true, encoding: .utf8)
        let err = Output.capture()
        #expect(run(arguments: ["serve", "--config", app.config, "--port", "0"], stdout: .capture(), stderr: err) == 2)
        #expect(err.text.contains("unknown_section"))
        #expect(err.text.contains("error"))
    }

    @Test func missingStaticRoot_exit2_beforeBinding_withBuildCommand() throws {
        let app = try App(withDist: false)
        let err = Output.capture()
        #expect(run(arguments: ["serve", "--config", app.config, "--port", "0"], stdout: .capture(), stderr: err) == 2)
        #expect(err.text.contains("route '/assets': folder 'dist/assets'"))
        #expect(err.text.contains("does not exist"))
        #expect(err.text.contains("npm --prefix frontend run build"))
    }

    /// SIGTERM to a real `piloto serve`: readiness 503, in-flight requests complete, idle connections
    /// close, a big response already being sent arrives whole, and the process exits 0 in time.
    @Test func sigterm_drainsInFlightRequests_childProcess() throws {
        let app = try App()
        let serve = try ServeProcess(config: app.config)
        let port = try #require(serve.port, "no listening line in: \(serve.seen)")
        let process = serve.process

        let idle = try Client(port: port)
        idle.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(idle.response()?.status == 200)
        let partial = try Client(port: port)
        partial.send("GET /api/health/ready HTTP/1.1\r\nHost: t\r\n")
        let big = try Client(port: port)
        big.send("GET /assets/big.js HTTP/1.1\r\nHost: t\r\n\r\n")  // not read yet: still being sent
        // Wait for what SIGTERM must find: `big`'s response under way (its head arrived), and
        // `partial`'s bytes read by the server (its socket's receive queue in the child emptied;
        // no event tells that from outside the process, so a bounded poll of /proc/<pid>/net/tcp).
        #expect(big.awaitHead())
        #expect(eventuallyBlocking(seconds: 5) {
            TCPTable.receiveQueue(pid: process.processIdentifier, serverPort: port, clientPort: partial.localPort) == 0
        })

        let start = Date()
        process.terminate()  // SIGTERM
        #expect(idle.closed())
        partial.send("\r\n")
        let ready = try #require(partial.response())
        #expect(ready.status == 503)
        #expect(ready.head.lowercased().contains("connection: close"))
        let whole = try #require(big.response())
        #expect(whole.status == 200)
        #expect(whole.bodyCount == 3_000_000)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(start) < 5)
        let rest = String(decoding: serve.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(rest.contains("shutdown complete"))
    }
}

/// Minimal blocking HTTP client over a raw socket.
final class Client {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        pending += buffer[0..<n]
        return true
    }

    /// The loopback port this client connects from.
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Reads until a whole response head has arrived, keeping it for `response()`.
    func awaitHead() -> Bool {
        while !pending.indices.dropLast(3).contains(where: { pending[$0...$0 + 3].elementsEqual([13, 10, 13, 10]) }) {
            if !fill() { return false }
        }
        return true
    }

    func response() -> (status: Int, head: String, bodyCount: Int)? {
        var end: Int?
        while end == nil {
            if pending.count >= 4 {
                for i in 0...(pending.count - 4) where pending[i] == 13 && pending[i + 1] == 10 && pending[i + 2] == 13 && pending[i + 3] == 10 {
                    end = i + 4
                    break
                }
            }
            if end == nil && !fill() { return nil }
        }
        guard let end else { return nil }
        let head = String(decoding: pending[0..<end], as: UTF8.self)
        let status = Int(head.split(separator: " ")[1]) ?? 0
        var length = 0
        for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        while pending.count < end + length { if !fill() { return nil } }
        pending.removeFirst(end + length)
        return (status, head, length)
    }

    func closed() -> Bool {
        while true {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }
}
