import Foundation
import Glibc
import Testing

/// `piloto serve` (and `serve --dev`) with `run:` backends, against the built binary: a Python HTTP
/// backend is started, its lines wrapped, readiness names the backend that cannot start, stderr says
/// why in one line, and SIGTERM reaches the backend, which exits before piloto does.
struct ServeBackendsTests {
    final class App {
        let dir: String
        let backendPort: Int

        init() throws {
            dir = NSTemporaryDirectory() + "piloto-backends-" + UUID().uuidString
            let fm = FileManager.default
            try fm.createDirectory(atPath: dir + "/dist", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: dir + "/backend", withIntermediateDirectories: true)
            try "<!doctype html><title>demo</title>".write(toFile: dir + "/dist/index.html", atomically: true, encoding: .utf8)
            backendPort = try Self.freePort()
            try """
                import http.server, os, pathlib, signal, sys
                def on_term(number, frame):
                    pathlib.Path("term").write_text("1")
                    sys.exit(0)
                signal.signal(signal.SIGTERM, on_term)
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200 if self.path == "/healthz" else 404)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    def log_message(self, *args):
                        pass
                server = http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H)
                print("backend listening in " + os.getcwd(), flush=True)
                server.serve_forever()
                """.write(toFile: dir + "/backend/app.py", atomically: true, encoding: .utf8)
            let yaml = """
                service:
                  name: demo
                  domain: app.example.com
                  project: demo-project
                  image: southamerica-east1-docker.pkg.dev/demo-project/piloto/demo:1
                server:
                  port: 8080
                  shutdown_grace: 8s
                backends:
                  api:
                    port: \(backendPort)
                    run: [python3, app.py]
                    dir: backend
                    health: /healthz
                  ghost:
                    port: \(backendPort + 1 > 65535 ? backendPort - 1 : backendPort + 1)
                    run: [piloto-no-such-command]
                routes:
                  - path: /api/health
                    handler: health
                  - path: /
                    handler: spa
                    root: dist

                """
            try yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound else { throw POSIXError(.EADDRINUSE) }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    @Test(arguments: [[String](), ["--dev"]])
    func backendsStarted_wrapped_degradedNamesTheBrokenOne_sigtermReachesThem(extra: [String]) throws {
        let app = try App()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try PilotoBinary.path())
        process.arguments = ["serve", "--config", app.dir + "/piloto.yaml", "--port", "0"] + extra
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var seen = ""
        func readUntil(_ needle: String) -> Bool {
            while !seen.contains(needle) {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return false }
                seen += String(decoding: data, as: UTF8.self)
            }
            return true
        }
        #expect(readUntil("backend api ready"), "\(seen)")
        let port = try #require(seen.range(of: #""port":"#).flatMap { Int(seen[$0.upperBound...].prefix { $0.isNumber }) })
        #expect(seen.contains(#"{"severity":"INFO","message":"backend listening in "#) && seen.contains(#"/backend","backend":"api"}"#))
        #expect(seen.contains(#""message":"backend ghost cannot start: 'piloto-no-such-command' not found on PATH"#))

        let ready = try PilotoBinary.launch(
            "/usr/bin/curl", ["-s", "--max-time", "10", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)/api/health/ready"])
        #expect(ready.stdout.hasPrefix(#"{"status":"degraded","reason":"backend ghost: cannot start: 'piloto-no-such-command' not found"#))
        #expect(ready.stdout.hasSuffix("\n200"))
        let page = try Client(port: port)
        page.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(page.response()?.status == 200)  // the SPA serves although ghost cannot start

        process.terminate()  // SIGTERM
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: app.dir + "/backend/term"))
        #expect(rest.contains("backend api stopped: exited with status 0"), "\(rest)")
        #expect(rest.contains("shutdown complete"))
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = stderr.split(separator: "\n").filter { $0.contains("backend ghost") }
        #expect(lines == ["piloto: backend ghost cannot start: 'piloto-no-such-command' not found on PATH (\(ProcessInfo.processInfo.environment["PATH"] ?? "")) (serving without it, retrying)"])
    }
}
