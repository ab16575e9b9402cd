import Dispatch
import Foundation
import Glibc
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// Supervision with real child processes (python3 scripts): restart after a crash, wrapped logs,
/// an argv[0] that does not exist, readiness with a real HTTP child, SIGTERM after the drain,
/// SIGKILL after the grace period, and no zombie left behind (/proc).
@Suite(.serialized)
struct BackendSupervisorTests {
    /// Fast restarts so a crash loop takes milliseconds; nothing below asserts on durations.
    static let quick: BackendPolicy = {
        var policy = BackendPolicy()
        policy.restartInitial = 20
        policy.restartCap = 200
        policy.startingProbeInterval = 20
        policy.probeInterval = 50
        policy.failuresBeforeDown = 1
        return policy
    }()

    final class Folder {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "piloto-backend-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
        func read(_ name: String) -> String? { try? String(contentsOfFile: path + "/" + name, encoding: .utf8) }
        func write(_ name: String, _ text: String) throws { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
    }

    private func supervisor(
        _ backends: [Backend], folder: Folder, logs: CapturingSink, policy: BackendPolicy = quick
    ) -> (BackendSupervisor, Logger) {
        var config = PilotoConfig.fixture(routes: [])
        config.backends = backends
        let logger = Logger(sink: logs)
        return (BackendSupervisor(config: config, configDirectory: folder.path, logger: logger, policy: policy), logger)
    }

    private func lines(_ logs: CapturingSink) -> [[(String, JSONValue)]] {
        logs.lines.compactMap { line in
            if case .object(let members)? = try? JSONParser.parse(line) { members } else { nil }
        }
    }

    private func field(_ entry: [(String, JSONValue)], _ key: String) -> JSONValue? { entry.first { $0.0 == key }?.1 }

    /// State letter and parent pid of `pid` from /proc/PID/stat; nil when there is no such process.
    static func stat(_ pid: pid_t) -> (state: Substring, parent: pid_t?)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 1 else { return nil }
        return (fields[0], pid_t(fields[1]))
    }

    /// Started pids that are still our children in state Z (zombies).
    static func zombies(among pids: [pid_t]) -> [pid_t] {
        pids.filter { pid in stat(pid).map { $0.state == "Z" && $0.parent == getpid() } ?? false }
    }

    /// Started pids that are still our children in any state: after stop there must be none.
    static func alive(among pids: [pid_t]) -> [pid_t] {
        pids.filter { pid in stat(pid)?.parent == getpid() }
    }

    @Test func crashingChild_isRestarted_linesWrapped_envAndDirApplied_noZombies() async throws {
        let folder = try Folder()
        try folder.write(
            "app.py",
            """
            import os, sys, json
            print("cwd=" + os.getcwd() + " port=" + os.environ["PORT"] + " greeting=" + os.environ["GREETING"], flush=True)
            print(json.dumps({"severity": "notice", "message": "structured", "n": 7}), flush=True)
            sys.stderr.write("INFO:     Started server process\\n")
            sys.stderr.write("Traceback (most recent call last):\\n")
            sys.stderr.flush()
            sys.exit(3)
            """)
        let logs = CapturingSink()
        let (backends, logger) = supervisor(
            [Backend(name: "api", port: 18_999, run: ["python3", "app.py"], env: [EnvVar(name: "GREETING", value: "olá")])],
            folder: folder, logs: logs)
        #expect(backends.start().isEmpty)
        let process = try #require(backends.processes.first)
        #expect(await eventually { process.startedPIDs.count >= 3 })
        #expect(process.health.failures >= 2)
        #expect(backends.stop(deadline: SystemClock().nowMilliseconds() + 5000))
        logger.close()

        let entries = lines(logs)
        let fromChild = entries.filter { field($0, "backend") == .string("api") && field($0, "pid") == nil }
        let realPath = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
        #expect(fromChild.contains { field($0, "message")?.stringValue == "cwd=\(realPath) port=18999 greeting=olá" && field($0, "severity") == .string("INFO") })
        #expect(fromChild.contains { field($0, "message") == .string("structured") && field($0, "severity") == .string("NOTICE") && field($0, "n") == .int(7) })
        #expect(fromChild.contains { field($0, "message") == .string("Started server process") && field($0, "severity") == .string("INFO") })
        #expect(fromChild.contains { field($0, "message") == .string("Traceback (most recent call last):") && field($0, "severity") == .string("ERROR") })
        let crashes = entries.filter { field($0, "exit_code") == .int(3) && field($0, "severity") == .string("ERROR") }
        #expect(crashes.count >= 2)
        #expect(crashes.first.flatMap { field($0, "message")?.stringValue }?.contains("backend api exited with status 3") == true)
        #expect(Self.zombies(among: process.startedPIDs).isEmpty)
        #expect(await eventually { Self.alive(among: process.startedPIDs).isEmpty })
    }

    @Test func missingCommand_andMissingDir_areDown_retried_neverFatal() async throws {
        let folder = try Folder()
        let logs = CapturingSink()
        let (backends, logger) = supervisor(
            [
                Backend(name: "ghost", port: 18_998, run: ["piloto-no-such-command-\(getpid())"]),
                Backend(
                    name: "nodir", port: 18_997, run: ["python3", "-c", "pass"],
                    dir: ConfigPath(asWritten: "missing", resolved: folder.path + "/missing")),
            ],
            folder: folder, logs: logs)
        let failures = backends.start()
        #expect(failures.map(\.name) == ["ghost", "nodir"])
        #expect(failures.first?.error.message.contains("not found on PATH") == true)
        #expect(failures.last?.error == .directoryMissing(folder.path + "/missing"))
        let ghost = try #require(backends.directory.health(named: "ghost"))
        #expect(await eventually {
            logs.lines.filter { $0.contains("backend ghost cannot start") }.count >= 3
        })
        guard case .down(let reason) = ghost.status else {
            Issue.record("ghost should be down, is \(ghost.status)")
            return
        }
        #expect(reason.hasPrefix("cannot start: 'piloto-no-such-command"))
        #expect(backends.directory.degradedReason?.hasPrefix("backend ghost: cannot start") == true)
        #expect(backends.stop(deadline: SystemClock().nowMilliseconds() + 2000))
        logger.close()
        #expect(backends.processes.allSatisfy { $0.startedPIDs.isEmpty })
    }

    @Test func stopBeforeStart_returns_andStartAfterStopSpawnsNothing() throws {
        let folder = try Folder()
        let logs = CapturingSink()
        let (backends, logger) = supervisor([Backend(name: "never", port: 18_992, run: ["python3", "-c", "pass"])], folder: folder, logs: logs)
        #expect(backends.stop(deadline: SystemClock().nowMilliseconds()))
        #expect(backends.start().isEmpty)
        #expect(backends.stop(deadline: SystemClock().nowMilliseconds()))
        logger.close()
        #expect(backends.processes.first?.startedPIDs == [])
    }

    @Test func childrenGetDefaultSignalDispositions_evenThoughPilotoIgnoresSome() async throws {
        SignalHandling.ignoreSIGPIPE()  // what every server loop group does at start
        let folder = try Folder()
        let logs = CapturingSink()
        let (backends, logger) = supervisor(
            [Backend(name: "sig", port: 18_996, run: ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"])],
            folder: folder, logs: logs)
        backends.start()
        #expect(await eventually { logs.lines.filter { $0.contains("SigIgn") || $0.contains("SigBlk") }.count >= 2 })
        backends.stop(deadline: SystemClock().nowMilliseconds() + 2000)
        logger.close()
        // "SigIgn:\t0000000000001000" would be SIGPIPE (bit 12) inherited from the parent: signals
        // 1–31 (bits 0–30) must all be at their defaults and unblocked. glibc's internal signals 32
        // and 33 (SIGCANCEL, SIGSETXID) are outside what a program may set and are left alone.
        let masks = logs.lines.compactMap { line -> UInt64? in
            guard let range = line.range(of: #"Sig(Ign|Blk):\\t"#, options: .regularExpression) else { return nil }
            return UInt64(line[range.upperBound...].prefix(16), radix: 16)
        }
        #expect(masks.count >= 2)
        #expect(masks.allSatisfy { $0 & 0x7FFF_FFFF == 0 }, "\(logs.lines)")
    }

    @Test func sigtermIgnored_getsSIGKILLAtTheDeadline_andIsReaped() async throws {
        let folder = try Folder()
        try folder.write(
            "stubborn.py",
            """
            import signal, pathlib
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            pathlib.Path("armed").write_text("1")
            while True:
                signal.pause()
            """)
        let logs = CapturingSink()
        let (backends, logger) = supervisor([Backend(name: "stubborn", port: 18_995, run: ["python3", "stubborn.py"])], folder: folder, logs: logs)
        backends.start()
        #expect(await eventually { folder.exists("armed") })
        let process = try #require(backends.processes.first)
        #expect(!backends.stop(deadline: SystemClock().nowMilliseconds() + 300))
        logger.close()
        #expect(logs.lines.contains { $0.contains("did not stop on SIGTERM") })
        #expect(logs.lines.contains { $0.contains("backend stubborn stopped: killed by signal 9 (SIGKILL)") })
        #expect(Self.zombies(among: process.startedPIDs).isEmpty)
        #expect(Self.alive(among: process.startedPIDs).isEmpty)
    }

    /// A tiny HTTP backend: blocks on opening and reading the FIFO `go` until the test writes to
    /// it, then serves /healthz on PORT; once `served` exists (it was up before) it exits at once,
    /// so after a kill it stays in a crash loop.
    static let httpBackend = """
        import os, sys, pathlib, http.server
        if pathlib.Path("served").exists():
            sys.exit(1)
        with open("go") as go:
            go.read(1)
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == "/healthz" else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H)
        pathlib.Path("served").write_text(str(os.getpid()))
        server.serve_forever()
        """

    @Test func readiness_starting503_thenReady_thenDegraded200_whenTheBackendDies() async throws {
        let folder = try Folder()
        try folder.write("http_backend.py", Self.httpBackend)
        #expect(mkfifo(folder.path + "/go", 0o600) == 0)
        let port = try freeLoopbackPort()
        let logs = CapturingSink()
        let site = try SiteFixture()
        var config = PilotoConfig.fixture(routes: site.routes(), workers: 1)
        config.backends = [Backend(name: "api", port: port, run: ["python3", "http_backend.py"], health: "/healthz")]
        let logger = Logger(sink: logs)
        let backends = BackendSupervisor(config: config, configDirectory: folder.path, logger: logger, policy: Self.quick)
        let server = try Server(config: config, host: "127.0.0.1", port: 0, logger: logger, backends: backends.directory)
        backends.start()
        try server.start()
        let serverPort = try #require(server.boundPort)
        defer { server.stopForTest() }

        func ready() throws -> (Int32, String) {
            try curl(["-o", "-", "-w", "\n%{http_code}", "http://127.0.0.1:\(serverPort)/api/health/ready"])
        }
        let starting = try ready().1
        #expect(starting.hasSuffix("\n503"))
        #expect(starting.contains(#"{"status":"starting","reason":"waiting for backend api"}"#))
        // Static files serve meanwhile.
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(serverPort)/"]).1 == "200")

        // Read-write: the open never blocks, and the byte stays in the FIFO until the backend
        // reads it (kept open until the test ends, so a reader is never left without a writer).
        let go = open(folder.path + "/go", O_RDWR)
        #expect(go >= 0)
        defer { close(go) }
        #expect(write(go, "1", 1) == 1)
        #expect(await eventually { (try? ready().1) == #"{"status":"ready"}"# + "\n200" })
        let health = try #require(backends.directory.health(named: "api"))
        #expect(health.isReady)
        #expect(server.link.backends.health(named: "api") === health)  // what the proxy reads

        let pid = try #require(backends.processes.first?.currentPID)
        kill(pid, SIGKILL)
        #expect(await eventually {
            let answer = (try? ready().1) ?? ""
            return answer.hasSuffix("\n200") && answer.contains(#""status":"degraded","reason":"backend api: "#)
        })
        #expect(!health.isReady && health.wasReadyOnce)
        #expect(logs.lines.contains { $0.contains("backend api killed by signal 9 (SIGKILL)") })
        let process = try #require(backends.processes.first)
        #expect(backends.stop(deadline: SystemClock().nowMilliseconds() + 5000))
        #expect(Self.zombies(among: process.startedPIDs).isEmpty)
    }

    /// Answers `/slow` only when the test says so.
    final class HeldResponder: Responder, @unchecked Sendable {
        let promise = ResponsePromise()
        let called = DispatchSemaphore(value: 0)
        func respond(to request: HTTPRequest) -> RouteResponse {
            called.signal()
            return .deferred(promise)
        }
    }

    @Test func sigterm_reachesTheBackendOnlyAfterInFlightRequestsDrained() async throws {
        let folder = try Folder()
        try folder.write(
            "term.py",
            """
            import signal, sys, time, pathlib
            def on_term(number, frame):
                pathlib.Path("term").write_text(repr(time.monotonic()))
                sys.exit(0)
            signal.signal(signal.SIGTERM, on_term)
            pathlib.Path("armed").write_text("1")
            while True:
                signal.pause()
            """)
        let logs = CapturingSink()
        let site = try SiteFixture()
        var routes = site.routes()
        routes.insert(Route(path: "/slow", handler: .proxy(ProxyRoute(upstream: "api")), authRequired: false), at: 0)
        var config = PilotoConfig.fixture(routes: routes, workers: 1, shutdownGrace: .seconds(20))
        config.backends = [Backend(name: "api", port: 18_994, run: ["python3", "term.py"])]
        let logger = Logger(sink: logs)
        let backends = BackendSupervisor(config: config, configDirectory: folder.path, logger: logger, policy: Self.quick)
        let held = HeldResponder()
        let server = try Server(config: config, host: "127.0.0.1", port: 0, logger: logger, backends: backends.directory, makeResponders: { _ in .only("/slow", held) })
        backends.start()
        try server.start()
        let port = try #require(server.boundPort)
        #expect(await eventually { folder.exists("armed") })

        let client = try RawClient(port: port)
        client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        held.called.wait()
        let outcome = Collected<(Bool, Bool)>()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            outcome.append(server.drainThenStop(backends: backends, graceMilliseconds: 20_000))
            finished.signal()
        }
        // Draining has begun: the listener is closed, so the drain is waiting for /slow.
        #expect(await eventually { server.isDraining && (try? RawClient(port: port)) == nil })
        #expect(!folder.exists("term"))
        let answeredAt = Double(SystemClock.nowNanoseconds()) / 1e9
        held.promise.complete(.response(.json(.ok, "\"done\"")))
        #expect(client.readResponse()?.body == "\"done\"")
        finished.wait()
        #expect(outcome.all.first.map { $0.0 && $0.1 } == true)
        let termAt = try #require(folder.read("term").flatMap(Double.init))
        #expect(termAt >= answeredAt)
        let process = try #require(backends.processes.first)
        logger.close()
        #expect(logs.lines.contains { $0.contains("backend api stopped: exited with status 0") })
        #expect(Self.zombies(among: process.startedPIDs).isEmpty)
        #expect(Self.alive(among: process.startedPIDs).isEmpty)
    }
}

/// A port nothing listens on right now (bound to 0, read, closed).
func freeLoopbackPort() throws -> Int {
    let fd = try Socket.listen(host: "127.0.0.1", port: 0)
    defer { close(fd) }
    return try #require(Socket.boundPort(fd))
}
