import Foundation
import Glibc
import Testing

/// `piloto serve` wires the WebSocket routes: the built binary, `--dev` origins, the stand-in
/// session store (auth-required channels answer 401 until a real store is wired), SIGTERM → 1001.
struct ServeWebSocketTests {
    private static let yaml = """
        service:
          name: demo
          domain: app.example.com
          image: southamerica-east1-docker.pkg.dev/demo-project/piloto/demo:1
        scaling:
          max_instances: 1
        routes:
          - path: /api/health
            handler: health
          - path: /ws/echo
            handler: websocket
            mode: echo
          - path: /ws
            handler: websocket
            mode: channels
            auth: required

        """

    /// A running `piloto serve` child and its port.
    private final class Child {
        let process = Process()
        let dir = NSTemporaryDirectory() + "piloto-serve-ws-" + UUID().uuidString
        var port = 0

        init(dev: Bool) throws {
            let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/piloto").path
            try #require(FileManager.default.isExecutableFile(atPath: binary), "run swift build first")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try ServeWebSocketTests.yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", "--config", dir + "/piloto.yaml", "--port", "0"] + (dev ? ["--dev"] : [])
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            var seen = ""
            while port == 0 {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty { break }
                seen += String(decoding: data, as: UTF8.self)
                if let range = seen.range(of: #""port":"#) {
                    port = Int(seen[range.upperBound...].prefix { $0.isNumber }) ?? 0
                }
            }
            try #require(port > 0, "no listening line in: \(seen)")
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    private func handshake(_ path: String, origin: String, cookie: String? = nil) -> String {
        "GET \(path) HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: \(origin)\r\n"
            + (cookie.map { "Cookie: session_id=\($0)\r\n" } ?? "") + "\r\n"
    }

    private func readBytes(_ client: Client, _ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while out.count < count {
            let n = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, count - out.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    @Test func devMode_loopbackOrigin_echo_authRequired401_drain1001() throws {
        let child = try Child(dev: true)
        let ws = try Client(port: child.port)
        ws.send(handshake("/ws/echo", origin: "http://localhost:5173"))
        #expect(ws.response()?.status == 101)
        // A masked text frame "hi" (mask 0x01020304): RFC 6455 §5.3.
        let masked: [UInt8] = [0x81, 0x82, 1, 2, 3, 4, UInt8(ascii: "h") ^ 1, UInt8(ascii: "i") ^ 2]
        _ = masked.withUnsafeBytes { Glibc.send(ws.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        #expect(readBytes(ws, 4) == [0x81, 0x02, UInt8(ascii: "h"), UInt8(ascii: "i")])

        let member = try Client(port: child.port)
        member.send(handshake("/ws/room", origin: "http://localhost:5173", cookie: "anything"))
        #expect(member.response()?.status == 401)  // NoSessionStore: nobody is logged in yet

        child.process.terminate()  // SIGTERM
        let close = readBytes(ws, 4)
        #expect(close.count == 4 && close[0] == 0x88 && close[2] == 0x03 && close[3] == 0xE9)  // 1001
        let reply: [UInt8] = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE9]
        _ = reply.withUnsafeBytes { Glibc.send(ws.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        #expect(ws.closed())
        child.process.waitUntilExit()
        #expect(child.process.terminationStatus == 0)
    }

    @Test func production_refusesLoopbackOrigin_acceptsTheDomain() throws {
        let child = try Child(dev: false)
        let local = try Client(port: child.port)
        local.send(handshake("/ws/echo", origin: "http://localhost:5173"))
        #expect(local.response()?.status == 403)
        let site = try Client(port: child.port)
        site.send(handshake("/ws/echo", origin: "https://app.example.com"))
        #expect(site.response()?.status == 101)
    }
}
