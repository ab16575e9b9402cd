import Glibc
import PilotoConfig

/// All `run:` backends of a config: started before piloto accepts traffic, stopped after it
/// drained (`Server.drainThenStop(backends:graceMilliseconds:)`).
///
/// The lead's seams: `directory` (status by name, readiness) and `start()` / `stop(deadline:)`.
package final class BackendSupervisor: Sendable {
    /// Status by backend name: readiness reads it, the proxy may too.
    package let directory: BackendDirectory
    /// In `backends:` file order.
    package let processes: [BackendProcess]
    private let logger: Logger

    /// - Parameters:
    ///   - configDirectory: the folder holding `piloto.yaml` (a backend without `dir:` runs there).
    ///   - inherited: the environment children inherit (piloto's own by default).
    package init(
        config: PilotoConfig, configDirectory: String, logger: Logger, policy: BackendPolicy = .standard,
        inherited: [String] = ProcessEnvironment.current()
    ) {
        let directory = BackendDirectory(backends: config.backends)
        self.directory = directory
        self.logger = logger
        processes = config.backends.filter { !$0.run.isEmpty }.compactMap { backend in
            guard let health = directory.health(named: backend.name) else { return nil }
            return BackendProcess(
                backend: backend, health: health,
                command: ChildCommand(
                    backend: backend, configDirectory: configDirectory, inherited: inherited,
                    extra: config.childEnvironment(for: backend)),
                logger: logger, policy: policy)
        }
    }

    package var isEmpty: Bool { processes.isEmpty }

    /// Starts every backend (first attempt on this thread) and returns the ones that could not be
    /// started at all, with why, in file order: `serve` prints one line for each. They are retried
    /// in the background regardless.
    @discardableResult
    package func start() -> [(name: String, error: SpawnError)] {
        var failures: [(name: String, error: SpawnError)] = []
        for process in processes {
            if let error = process.start() { failures.append((process.name, error)) }
        }
        return failures
    }

    /// SIGTERM to every backend at once, then waits until `deadline` (monotonic milliseconds,
    /// `SystemClock`) for all of them, SIGKILLs what is left and reaps it. Returns when no child of
    /// ours is left; true when all exited before the deadline.
    @discardableResult
    package func stop(deadline: Int64) -> Bool {
        for process in processes { process.beginStop() }
        var inTime = true
        for process in processes where !process.finishStop(deadline: deadline) { inTime = false }
        return inTime
    }
}
