import PilotoConfig

extension Server {
    /// SIGTERM's whole sequence when piloto runs backends: readiness 503 and the listener closed
    /// (`beginShutdown`), in-flight requests drained, *then* SIGTERM to the backends, SIGKILL at
    /// the grace deadline. Backends go last because proxied requests in flight still need them.
    ///
    /// Budget: `grace - 250 ms` in all (the rest is for the last log lines and the exit, before
    /// Cloud Run's SIGKILL). The drain may use all of it except a reserve for the backends' own
    /// shutdown, a quarter of the budget up to 5 s; a drain that ends early leaves them the rest.
    ///
    /// - Returns: whether the drain finished in time, and whether every backend exited on SIGTERM.
    @discardableResult
    package func drainThenStop(backends: BackendSupervisor?, graceMilliseconds: Int64) -> (drained: Bool, backendsStopped: Bool) {
        beginShutdown()
        let budget = max(100, graceMilliseconds - 250)
        let begun = SystemClock().nowMilliseconds()
        let reserve = (backends?.isEmpty ?? true) ? 0 : min(budget / 4, 5000)
        let drained = waitUntilStopped(timeoutMilliseconds: budget - reserve)
        guard let backends, !backends.isEmpty else { return (drained, true) }
        let stopped = backends.stop(deadline: begun + budget)
        return (drained, stopped)
    }
}
