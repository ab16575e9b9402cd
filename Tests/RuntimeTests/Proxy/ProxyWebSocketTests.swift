import Foundation
import PilotoConfig
import Testing
@testable import PilotoRuntime

/// `websocket: true` on a proxy route, with Python's `websockets` as both the upstream and the client.
@Suite("Proxy: WebSocket tunnels")
struct ProxyWebSocketTests {
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/ws_proxy_check.py").path

    @Test("frames flow both ways through the tunnel, and a drain closes it with 1001")
    func echoThroughTunnelAndDrain() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "https://app.example.com"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let lines = LineReader(output.fileHandleForReading)
        let first = try #require(lines.next(), "the upstream did not start: \(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))")
        let upstreamPort = try #require(Int(first.split(separator: " ").last ?? ""))
        let fixture = try ProxyFixture(upstreamPort: upstreamPort, route: { $0.websocket = true })
        input.fileHandleForWriting.write(Data("piloto \(fixture.port)\n".utf8))
        #expect(lines.next() == "echo ok")
        #expect(lines.next() == "tunnel open")
        fixture.server.beginShutdown()
        #expect(lines.next() == "closed 1001")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
    }
}

/// Lines from a pipe, blocking (bounded by the child process's own timeouts).
final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let index = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<index], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...index)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}
