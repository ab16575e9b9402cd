import CLinuxEvents
import Dispatch
import Glibc
import Synchronization

/// Starts backend processes and collects every exit status, so no child ever stays a zombie.
///
/// Two modes, chosen once per process:
/// - **normal** (piloto is not PID 1): one small thread per child blocks in `waitpid(pid)`. It
///   waits for that pid only, so it never steals the status of a process someone else in the same
///   process started (the test runner's curl, for instance).
/// - **PID 1** (piloto is the container's init, as in the Cloud Run image): orphans anywhere in the
///   container are re-parented to PID 1 and must be reaped by it, or they stay zombies until the
///   instance dies (a uvicorn worker whose master crashed, a daemonised helper). One thread then
///   loops on `waitpid(-1)`: statuses of our children go to their callbacks, the rest are counted
///   (`orphansReaped`). Spawning holds the registry lock until the pid is registered, so a child
///   that exits at once is still recognised as ours.
package final class ChildReaper: Sendable {
    /// The process-wide reaper (one per process: two `waitpid(-1)` loops would race).
    package static let shared = ChildReaper(reapsOrphans: getpid() == 1)

    private let reapsOrphans: Bool
    private let registry = Mutex<[pid_t: @Sendable (Int32) -> Void]>([:])
    private let childAdded = DispatchSemaphore(value: 0)
    private let orphans = Atomic<Int>(0)
    private let loopStarted = Atomic<Bool>(false)

    init(reapsOrphans: Bool) {
        self.reapsOrphans = reapsOrphans
    }

    /// Statuses collected for processes piloto did not start (PID 1 mode only).
    package var orphansReaped: Int { orphans.load(ordering: .relaxed) }

    /// Spawns `command`; `onExit` gets its raw wait status (see `ExitStatus`), once, on a reaper
    /// thread.
    func spawn(_ command: ChildCommand, onExit: @escaping @Sendable (Int32) -> Void) -> Result<SpawnedChild, SpawnError> {
        if reapsOrphans {
            startLoopOnce()
            let result = registry.withLock { table -> Result<SpawnedChild, SpawnError> in
                let result = ChildSpawner.spawn(command)
                if case .success(let child) = result { table[child.pid] = onExit }
                return result
            }
            if case .success = result { childAdded.signal() }
            return result
        }
        let result = ChildSpawner.spawn(command)
        guard case .success(let child) = result else { return result }
        let started = OSThread.start {
            piloto_name_this_thread("piloto-wait")
            onExit(Self.waitFor(child.pid))
        }
        if !started {
            // No thread to wait with: do not leave a child nobody reaps.
            kill(-child.pid, SIGKILL)
            _ = Self.waitFor(child.pid)
            close(child.stdout)
            close(child.stderr)
            return .failure(.system(operation: "pthread_create", code: EAGAIN))
        }
        return result
    }

    private static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return status }
        }
        return status
    }

    private func startLoopOnce() {
        guard !loopStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        OSThread.start { [self] in
            piloto_name_this_thread("piloto-reaper")
            self.reapForever()
        }
    }

    private func reapForever() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == ECHILD { childAdded.wait() }  // nothing to wait for until the next spawn
                continue
            }
            let callback = registry.withLock { $0.removeValue(forKey: pid) }
            if let callback { callback(status) } else { orphans.add(1, ordering: .relaxed) }
        }
    }
}

/// A wait(2) status in words and numbers, for logs.
package struct ExitStatus: Sendable, Equatable {
    package let raw: Int32

    /// The exit code when the process exited normally.
    package var code: Int32? { (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : nil }
    /// The signal that killed it.
    package var signal: Int32? { (raw & 0x7F) != 0 && (raw & 0x7F) != 0x7F ? raw & 0x7F : nil }

    /// `exited with status 1`, `killed by signal 9 (SIGKILL)`.
    package var description: String {
        if let code { return "exited with status \(code)" }
        if let signal { return "killed by signal \(signal)" + (Self.names[signal].map { " (\($0))" } ?? "") }
        return "stopped (wait status \(raw))"
    }

    private static let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
        SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
        SIGTERM: "SIGTERM",
    ]

    /// The fields a log line carries: `exit_code` or `signal`.
    package var logFields: [(String, Int64)] {
        if let code { return [("exit_code", Int64(code))] }
        if let signal { return [("signal", Int64(signal))] }
        return [("wait_status", Int64(raw))]
    }
}
