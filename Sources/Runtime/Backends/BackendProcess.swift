import CLinuxEvents
import Dispatch
import Glibc
import PilotoConfig
import Synchronization

/// Supervises one `run:` backend on its own thread: start, health checks, restart with capped
/// jittered back-off, and (from `BackendSupervisor.stop`) SIGTERM then SIGKILL.
///
/// A backend that cannot start (argv[0] not found, a missing `dir:`) or keeps crashing never
/// stops piloto: every failure is logged as an ERROR, the status is `down` with the reason, and the
/// next attempt waits longer, up to `restartCap`.
package final class BackendProcess: Sendable {
    package let name: String
    package let health: BackendHealth
    private let command: ChildCommand
    private let healthPath: String?
    private let policy: BackendPolicy
    private let logger: Logger
    private let reaper: ChildReaper

    private struct Control {
        var stopping = false
        /// The running child's pid (its process group), nil when none runs.
        var pid: pid_t?
        /// Set by the reaper when the current child exited.
        var exit: ExitStatus?
        /// Every pid started, in order (tests check none is left a zombie).
        var started: [pid_t] = []
        /// The child running when stop began.
        var stopPID: pid_t?
    }

    private let control = Mutex(Control())
    /// Signalled when the child exits or stop is requested: ends a probe interval or back-off early.
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled each time a child's exit status was collected (stop waits on it).
    private let reaped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Whether `start` ran (a supervisor thread exists to wait for).
    private let launched = Atomic<Bool>(false)

    package init(
        backend: Backend, health: BackendHealth, command: ChildCommand, logger: Logger, policy: BackendPolicy = .standard,
        reaper: ChildReaper = .shared
    ) {
        name = backend.name
        self.health = health
        self.command = command
        healthPath = backend.health
        self.policy = policy
        self.logger = logger
        self.reaper = reaper
    }

    /// Every pid this backend started so far.
    package var startedPIDs: [pid_t] { control.withLock { $0.started } }

    /// The running child's pid, nil while none runs.
    package var currentPID: pid_t? { control.withLock { $0.pid } }

    /// Makes the first attempt on the caller's thread (so `serve` can print why a backend cannot
    /// start), then supervises on a thread of its own. Nil when the first start succeeded.
    package func start() -> SpawnError? {
        guard !launched.exchange(true, ordering: .acquiringAndReleasing) else { return nil }
        let first = launch()
        OSThread.start { [self] in
            piloto_name_this_thread("piloto-supervise")
            self.supervise(first: first)
            self.finished.signal()
        }
        if case .failure(let error) = first { return error }
        return nil
    }

    // MARK: Supervision loop

    private enum Launch {
        case started(pid_t, at: Int64)
        case failure(SpawnError)
        case stopping
    }

    private func launch() -> Launch {
        let outcome = control.withLock { c -> Result<SpawnedChild, SpawnError>? in
            // Under the lock, so `stop` either sees this child's pid or prevents the spawn.
            guard !c.stopping else { return nil }
            c.exit = nil
            let result = reaper.spawn(command) { [self] status in self.exited(ExitStatus(raw: status)) }
            if case .success(let child) = result {
                c.pid = child.pid
                c.started.append(child.pid)
            }
            return result
        }
        switch outcome {
        case nil:
            return .stopping
        case .failure(let error)?:
            return .failure(error)
        case .success(let child)?:
            let backend = name
            let logger = self.logger
            logger.log(
                .info, "backend \(name) started",
                fields: [("backend", .string(name)), ("pid", .int(Int64(child.pid))),
                         ("run", .array(command.arguments.map { .string($0) })), ("dir", .string(command.directory))])
            ChildOutputPump.start(child) { line, stream in
                logger.enqueue(BackendLogLine.render(line, stream: stream, backend: backend))
            }
            return .started(child.pid, at: SystemClock().nowMilliseconds())
        }
    }

    private func exited(_ status: ExitStatus) {
        let stopping = control.withLock { c -> Bool in
            c.exit = status
            c.pid = nil
            return c.stopping
        }
        // Only `finishStop` waits on `reaped`: counting exits before stop began would let it return
        // while the current child still runs.
        if stopping { reaped.signal() }
        wake.signal()
    }

    private func supervise(first: Launch) {
        var backoff = RedisBackoff(initial: policy.restartInitial, cap: policy.restartCap)
        var attempt = first
        while true {
            let delay: Int64
            switch attempt {
            case .stopping:
                return
            case .failure(let error):
                delay = backoff.nextDelay()
                health.countFailure()
                health.update(.down("cannot start: \(error.message)"))
                logger.log(
                    .error, "backend \(name) cannot start: \(error.message); retrying in \(Self.seconds(delay))",
                    fields: [("backend", .string(name)), ("retry_in_ms", .int(delay))])
            case .started(let pid, let startedAt):
                let status = watch(pid: pid, startedAt: startedAt)
                guard let status else { return }  // stopping: `stop` reaps and logs
                let uptime = SystemClock().nowMilliseconds() - startedAt
                if uptime >= policy.stableAfter { backoff.reset() }
                // What is left of its process group (workers of a dead master) would hold the port.
                kill(-pid, SIGKILL)
                delay = backoff.nextDelay()
                health.countFailure()
                health.update(.down("\(status.description); restarting"))
                logger.log(
                    .error,
                    "backend \(name) \(status.description) after \(Self.seconds(uptime)); restarting in \(Self.seconds(delay))",
                    fields: [("backend", .string(name)), ("pid", .int(Int64(pid))), ("uptime_ms", .int(uptime)),
                             ("restart_in_ms", .int(delay))] + status.logFields.map { ($0.0, .int($0.1)) })
            }
            if pause(delay, orUntilExit: false) { return }
            attempt = launch()
        }
    }

    /// Health checks until the child exits (its status) or stop is requested (nil).
    private func watch(pid: pid_t, startedAt: Int64) -> ExitStatus? {
        var failures = 0
        while true {
            let (stopping, exit) = control.withLock { ($0.stopping, $0.exit) }
            if stopping { return nil }
            if let exit { return exit }
            let problem = HealthProbe.check(port: health.port, path: healthPath, timeoutMilliseconds: Int(policy.probeTimeout))
            let (stoppingNow, exitNow) = control.withLock { ($0.stopping, $0.exit) }
            if stoppingNow { return nil }
            if let exitNow { return exitNow }
            if let problem {
                failures += 1
                observeFailure(problem, failures: failures, startedAt: startedAt)
            } else {
                failures = 0
                let previous = health.update(.ready)
                if previous != .ready {
                    let elapsed = SystemClock().nowMilliseconds() - startedAt
                    logger.log(
                        .info, "backend \(name) ready after \(Self.seconds(elapsed))",
                        fields: [("backend", .string(name)), ("pid", .int(Int64(pid))), ("ready_ms", .int(elapsed))])
                }
            }
            let interval = health.status == .ready ? policy.probeInterval : policy.startingProbeInterval
            if pause(interval, orUntilExit: true) { return nil }
        }
    }

    private func observeFailure(_ problem: String, failures: Int, startedAt: Int64) {
        switch health.status {
        case .ready where failures >= policy.failuresBeforeDown:
            health.update(.down("health check failed: \(problem)"))
            logger.log(.error, "backend \(name) unhealthy: \(problem)", fields: [("backend", .string(name))])
        case .starting where SystemClock().nowMilliseconds() - startedAt >= policy.startWindow:
            let reason = "not ready after \(Self.seconds(policy.startWindow)): \(problem)"
            health.update(.down(reason))
            logger.log(.error, "backend \(name) \(reason)", fields: [("backend", .string(name))])
        case .down(let reason) where reason.hasSuffix("; restarting") || reason.hasPrefix("cannot start"):
            // Restarted and not healthy yet: say so (and stop blaming the old exit) once.
            health.update(.down("restarted, not ready yet: \(problem)"))
        default:
            break
        }
    }

    /// Waits `milliseconds`, less when stop is requested (true) or, with `orUntilExit`, when the
    /// child exits. A stale wake-up (an exit noticed by the probe first) does not cut a back-off short.
    private func pause(_ milliseconds: Int64, orUntilExit: Bool) -> Bool {
        let deadline = DispatchTime.now() + .milliseconds(Int(clamping: max(0, milliseconds)))
        while true {
            let outcome = wake.wait(timeout: deadline)
            let (stopping, exited) = control.withLock { ($0.stopping, $0.exit != nil) }
            if stopping { return true }
            if outcome == .timedOut || (orUntilExit && exited) { return false }
        }
    }

    // MARK: Stop (called by BackendSupervisor)

    /// No more restarts; SIGTERM to the running child's process group. Returns at once.
    func beginStop() {
        let pid = control.withLock { c -> pid_t? in
            c.stopping = true
            c.stopPID = c.pid
            return c.pid
        }
        wake.signal()
        if let pid { kill(-pid, SIGTERM) }
    }

    /// Waits for the child until `deadline` (monotonic ms), then SIGKILLs its group and waits for
    /// that too; the supervisor thread has ended when this returns. True when it exited in time.
    @discardableResult
    func finishStop(deadline: Int64) -> Bool {
        var inTime = true
        let (stopPID, running) = control.withLock { ($0.stopPID, $0.pid != nil) }
        if let pid = stopPID {
            if running {
                let remaining = deadline - SystemClock().nowMilliseconds()
                if reaped.wait(timeout: .now() + .milliseconds(Int(clamping: max(0, remaining)))) == .timedOut {
                    inTime = false
                    kill(-pid, SIGKILL)
                    logger.log(
                        .warning, "backend \(name) did not stop on SIGTERM within the grace period: SIGKILL",
                        fields: [("backend", .string(name)), ("pid", .int(Int64(pid)))])
                    reaped.wait()  // SIGKILL cannot be ignored: the reaper reports it shortly
                }
            }
            let status = control.withLock { $0.exit }
            logger.log(
                .info, "backend \(name) stopped: \(status?.description ?? "exited")",
                fields: [("backend", .string(name)), ("pid", .int(Int64(pid)))]
                    + (status?.logFields.map { ($0.0, JSONValue.int($0.1)) } ?? []))
            // Anything it left in its group (children that ignored the signal) goes too.
            kill(-pid, SIGKILL)
        }
        if launched.load(ordering: .acquiring) { finished.wait() }
        return inTime
    }

    static func seconds(_ milliseconds: Int64) -> String {
        milliseconds < 10_000
            ? "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s" : "\(milliseconds / 1000) s"
    }
}
