import Foundation
import Glibc
import Testing

/// The built `piloto` binary, for the tests that need it as a separate process: determinism across
/// processes (Swift seeds hashing per process), signals (SIGTERM drain, SIGHUP reload), a real stdin.
///
/// The binary is built by `swift build` before `swift test` (as CI does); the tests never build it.
/// Every CLI test finds it here, so there is one answer to "where is piloto" per test target.
enum PilotoBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `piloto` next to the test bundle, else under the package's `.build/debug`.
    static func path() throws -> String {
        var candidates: [String] = []
        if let argv0 = CommandLine.arguments.first {
            var folder = URL(fileURLWithPath: argv0).deletingLastPathComponent()
            // argv0 may be inside `pilotoPackageTests.xctest/...`; walk up to the products folder.
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("piloto").path)
                folder = folder.deletingLastPathComponent()
            }
        }
        candidates.append(CLIFixtures.repoRoot + "/.build/debug/piloto")
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        Issue.record("piloto binary not found (looked in: \(candidates.joined(separator: ", "))); run `swift build` first")
        throw CocoaError(.fileNoSuchFile)
    }

    /// Runs `piloto arguments` to completion with `input` on its stdin.
    static func run(_ arguments: [String], input: String) throws -> Result {
        try launch(try path(), arguments, input: input)
    }

    /// Runs `executable` to completion, both streams collected. `environment` nil inherits ours;
    /// `input` nil leaves stdin alone.
    static func launch(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil, input: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let stdin = Pipe(), output = Pipe(), error = Pipe()
        if input != nil { process.standardInput = stdin }
        process.standardOutput = output
        process.standardError = error
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a chatty process can't block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A running `piloto serve --config <config> --port 0`, its stdout read up to the listening line.
/// Killed (SIGKILL) when dropped if still running, so a failed `#require` leaves no child behind.
final class ServeProcess {
    let process = Process()
    let output = Pipe()
    /// Everything read from stdout so far (for failure messages).
    private(set) var seen = ""
    /// The bound port from the `"port":` log line; nil if the process ended before logging one.
    private(set) var port: Int?

    init(config: String) throws {
        process.executableURL = URL(fileURLWithPath: try PilotoBinary.path())
        process.arguments = ["serve", "--config", config, "--port", "0"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        port = readUntil { text in
            text.range(of: #""port":"#).flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) }
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads stdout until `found` returns a value (or EOF, then nil).
    func readUntil<T>(_ found: (String) -> T?) -> T? {
        while true {
            if let value = found(seen) { return value }
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            seen += String(decoding: data, as: UTF8.self)
        }
    }

    /// SIGTERM, then the exit status once the process has drained and exited.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
