import Foundation
import Testing

@testable import PilotoRuntime

/// A real third-party client (Python's `websockets`) against the real server: echo and channels.
@Suite struct WebSocketInteropTests {
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/ws_interop.py").path

    /// Nil when python3 or its `websockets` module is missing (the test is then skipped).
    private static let missing: String? = {
        // python3 as found on PATH (pyenv, a venv), like a developer would run it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "from websockets.asyncio.client import connect"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "python3 cannot run" }
        process.waitUntilExit()
        if process.terminationStatus == 127 { return "python3 is not installed" }
        return process.terminationStatus == 0 ? nil : "python module 'websockets' >= 13 is not installed (pip install websockets)"
    }()

    @Test(.enabled(if: missing == nil, "skipped: \(missing ?? "")"))
    func pythonWebsocketsClient_echoAndChannels() throws {
        let s = try RealtimeServer()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, String(s.port), RealtimeServer.origin]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        #expect(output == "ok\n")
    }
}
