import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime

/// The pure parts of backend supervision: log wrapping, line splitting, argv[0] lookup,
/// environment, exit statuses, the probe's status line and readiness reasons.
struct BackendUnitTests {
    private func object(_ line: String) throws -> [(String, JSONValue)] {
        guard case .object(let members) = try JSONParser.parse(line) else { throw JSONParseError(.unexpectedEnd, at: 0) }
        return members
    }

    @Test func plainLines_stdoutInfo_stderrError_withBackend() throws {
        #expect(BackendLogLine.render("hello", stream: .stdout, backend: "api") == #"{"severity":"INFO","message":"hello","backend":"api"}"#)
        #expect(
            BackendLogLine.render("Traceback (most recent call last):", stream: .stderr, backend: "api")
                == #"{"severity":"ERROR","message":"Traceback (most recent call last):","backend":"api"}"#)
    }

    @Test func uvicornAndPythonLoggingPrefixes_setSeverity_andAreStripped() throws {
        #expect(
            BackendLogLine.render("INFO:     Started server process [42]", stream: .stderr, backend: "api")
                == #"{"severity":"INFO","message":"Started server process [42]","backend":"api"}"#)
        #expect(
            BackendLogLine.render("WARNING:root:disk almost full", stream: .stderr, backend: "w")
                == #"{"severity":"WARNING","message":"root:disk almost full","backend":"w"}"#)
        #expect(BackendLogLine.render("CRITICAL: boom", stream: .stdout, backend: "a").contains(#""severity":"CRITICAL""#))
        // Not a level word (mixed case, unknown word, no colon): the stream decides.
        #expect(BackendLogLine.render("Error: missing", stream: .stdout, backend: "a").hasPrefix(#"{"severity":"INFO","message":"Error: missing""#))
        #expect(BackendLogLine.render("NOTE: x", stream: .stderr, backend: "a").hasPrefix(#"{"severity":"ERROR","message":"NOTE: x""#))
        #expect(BackendLogLine.render("INFO:", stream: .stderr, backend: "a") == #"{"severity":"INFO","message":"INFO:","backend":"a"}"#)
    }

    @Test func jsonLines_keepTheirFields_severityFromSeverityOrLevel_backendAdded() throws {
        let own = try object(
            BackendLogLine.render(#"{"severity":"warning","message":"slow query","ms":812,"backend":"spoof"}"#, stream: .stderr, backend: "api"))
        #expect(own.map(\.0) == ["severity", "message", "ms", "backend"])
        #expect(own[0].1 == .string("WARNING"))
        #expect(own[2].1 == .int(812))
        #expect(own[3].1 == .string("api"))

        let level = try object(BackendLogLine.render(#"{"level":"fatal","msg":"x"}"#, stream: .stdout, backend: "api"))
        #expect(level.map(\.0) == ["severity", "level", "msg", "backend"])
        #expect(level[0].1 == .string("CRITICAL"))
        let pino = try object(BackendLogLine.render(#"{"level":40,"msg":"x"}"#, stream: .stdout, backend: "api"))
        #expect(pino[0].1 == .string("WARNING"))
        // No level of its own: the stream's default.
        let bare = try object(BackendLogLine.render(#"{"event":"x"}"#, stream: .stderr, backend: "api"))
        #expect(bare[0].1 == .string("ERROR"))
        // Not an object, or broken JSON: a text line.
        #expect(BackendLogLine.render("[1,2]", stream: .stdout, backend: "a") == #"{"severity":"INFO","message":"[1,2]","backend":"a"}"#)
        #expect(BackendLogLine.render(#"{"a":"#, stream: .stdout, backend: "a") == #"{"severity":"INFO","message":"{\"a\":","backend":"a"}"#)
    }

    @Test func lineSplitter_splitsOnNewline_dropsCR_skipsEmpty_capsLength_keepsTail() {
        var splitter = LineSplitter(maximumBytes: 8)
        #expect(splitter.append(Array("one\r\ntw".utf8)) == ["one"])
        #expect(splitter.append(Array("o\n\n\nthree".utf8)) == ["two"])
        #expect(splitter.append(Array("-and-more\n".utf8)) == ["three-an", "d-more"])
        #expect(splitter.append([0xFF, 0x0A]) == ["\u{FFFD}"])
        #expect(splitter.append(Array("tail".utf8)) == [])
        #expect(splitter.finish() == "tail")
        #expect(splitter.finish() == nil)
    }

    @Test func executableLookup_pathSearch_slashNames_missing() throws {
        let folder = NSTemporaryDirectory() + "piloto-lookup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tool = folder + "/bin/tool"
        try "#!/bin/sh\n".write(toFile: tool, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        try "x".write(toFile: folder + "/bin/plain", atomically: true, encoding: .utf8)

        #expect(ExecutableLookup.resolve("tool", path: "/nonexistent:" + folder + "/bin", directory: "/") == .success(tool))
        // A relative PATH entry is relative to the child's working directory (a venv's bin).
        #expect(ExecutableLookup.resolve("tool", path: "bin", directory: folder) == .success(folder + "/bin/tool"))
        #expect(ExecutableLookup.resolve("./bin/tool", path: nil, directory: folder) == .success(folder + "/./bin/tool"))
        #expect(ExecutableLookup.resolve("plain", path: folder + "/bin", directory: "/") == .failure(.notFound("plain", path: folder + "/bin")))
        #expect(ExecutableLookup.resolve("bin/plain", path: nil, directory: folder) == .failure(.notExecutable("bin/plain")))
        #expect(ExecutableLookup.resolve("sh", path: nil, directory: "/") != .failure(.notFound("sh", path: ExecutableLookup.defaultPath)))
        #expect(ExecutableLookup.resolve("", path: nil, directory: "/") == .failure(.emptyCommand))
    }

    @Test func environment_inheritedThenBackendEnvThenPORT_inPlace() {
        let backend = Backend(
            name: "api", port: 8000, run: ["uvicorn"], dir: ConfigPath(asWritten: "backend", resolved: "/srv/backend"),
            env: [EnvVar(name: "LOG_LEVEL", value: "info"), EnvVar(name: "HOME", value: "/h")])
        let command = ChildCommand(backend: backend, configDirectory: "/srv", inherited: ["HOME=/root", "PORT=8080", "A=b=c"])
        #expect(command.environment == ["HOME=/h", "PORT=8000", "A=b=c", "LOG_LEVEL=info"])
        #expect(command.directory == "/srv/backend")
        #expect(command.variable("A") == "b=c")
        #expect(command.variable("PATH") == nil)
        let noDir = ChildCommand(backend: Backend(name: "w", port: 1, run: ["x"]), configDirectory: "/srv", inherited: [])
        #expect(noDir.directory == "/srv")
        #expect(noDir.environment == ["PORT=1"])
    }

    @Test func exitStatus_describesCodesAndSignals() {
        #expect(ExitStatus(raw: 3 << 8).description == "exited with status 3")
        #expect(ExitStatus(raw: 3 << 8).logFields.map(\.0) == ["exit_code"])
        #expect(ExitStatus(raw: 9).description == "killed by signal 9 (SIGKILL)")
        #expect(ExitStatus(raw: 15).signal == 15)
        #expect(ExitStatus(raw: 0).code == 0)
    }

    @Test func probeStatusLine() {
        #expect(HealthProbe.statusCode(Array("HTTP/1.1 204 No Content\r\n".utf8)) == 204)
        #expect(HealthProbe.statusCode(Array("HTTP/1.0 503 x\r\n".utf8)) == 503)
        #expect(HealthProbe.statusCode(Array("HTTP/1.1 200".utf8)) == nil)  // line not complete yet
        #expect(HealthProbe.statusCode(Array("SSH-2.0-OpenSSH\r\n".utf8)) == 0)
    }

    @Test func directory_startingThenDegradedReasons_inFileOrder() {
        let directory = BackendDirectory(backends: [
            Backend(name: "api", port: 8000, run: ["a"]), Backend(name: "side", port: 9000, image: "x"),
            Backend(name: "worker", port: 8001, run: ["w"]),
        ])
        #expect(directory.entries.map(\.name) == ["api", "worker"])
        #expect(directory.health(named: "side") == nil)
        #expect(directory.startingReason == "waiting for backend api, worker")
        #expect(directory.degradedReason == nil)
        let api = try! #require(directory.health(named: "api"))
        let worker = try! #require(directory.health(named: "worker"))
        #expect(api.update(.ready) == .starting)
        #expect(api.isReady && api.wasReadyOnce)
        worker.update(.down("exited with status 1; restarting"))
        #expect(directory.startingReason == nil)
        #expect(directory.degradedReason == "backend worker: exited with status 1; restarting")
        api.update(.down("health check failed: GET /healthz answered 500"))
        #expect(!api.isReady && api.wasReadyOnce)
        #expect(directory.degradedReason == "backend api: health check failed: GET /healthz answered 500")
        #expect(BackendDirectory.empty.startingReason == nil && BackendDirectory.empty.degradedReason == nil)
    }
}
