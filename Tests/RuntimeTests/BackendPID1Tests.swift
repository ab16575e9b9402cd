import Foundation
import Glibc
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// piloto as PID 1 (the container's entrypoint) must reap orphans re-parented to it, not only its
/// own children. The outer test runs this test binary again as PID 1 of a fresh user + PID
/// namespace (`unshare -rpf --mount-proc`), filtered to `insideNamespace`, which only runs there.
struct BackendPID1Tests {
    static let unshareWorks: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["-rpf", "--mount-proc", "true"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    @Test(.enabled(if: getpid() != 1 && unshareWorks, "needs unprivileged user namespaces"))
    func asPID1_orphansAndDeadGroupsAreReaped_noZombie() throws {
        let binary = try #require(CommandLine.arguments.first)
        let (status, text) = try runCombiningOutput("/usr/bin/unshare", [
            "-rpf", "--mount-proc", binary, "--testing-library", "swift-testing", "--filter",
            "BackendPID1Tests/insideNamespace",
        ])
        #expect(status == 0, "\(text)")
        #expect(text.contains("insideNamespace") && text.contains("passed"), "\(text)")
        #expect(!text.contains("skipped"), "\(text)")
    }

    /// Runs only as PID 1: a backend whose shell leaves a daemonised grandchild (re-parented to us
    /// when its parent exits) and a background child in its group (killed with the group when the
    /// shell exits): both must be reaped by the `waitpid(-1)` loop.
    @Test(.enabled(if: getpid() == 1))
    func insideNamespace() async throws {
        let folder = NSTemporaryDirectory() + "piloto-pid1-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = PilotoConfig.fixture(routes: [])
        config.backends = [
            Backend(name: "leaky", port: 18_993, run: ["sh", "-c", "(setsid sleep 0.05 &); sleep 300 & exit 1"])
        ]
        let logs = CapturingSink()
        let logger = Logger(sink: logs)
        var policy = BackendSupervisorTests.quick
        policy.restartInitial = 50
        let backends = BackendSupervisor(config: config, configDirectory: folder, logger: logger, policy: policy)
        #expect(backends.start().isEmpty)
        #expect(await eventually { ChildReaper.shared.orphansReaped >= 4 && (backends.processes.first?.startedPIDs.count ?? 0) >= 3 })
        #expect(backends.stop(deadline: SystemClock().nowMilliseconds() + 2000))
        logger.close()
        #expect(await eventually { Self.zombieChildren().isEmpty }, "\(Self.zombieChildren())")
    }

    /// Pids in /proc whose parent is this process and whose state is Z.
    static func zombieChildren() -> [pid_t] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            BackendSupervisorTests.stat(pid).map { $0.state == "Z" && $0.parent == me } ?? false
        }
    }
}
