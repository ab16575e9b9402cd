import PilotoConfig

extension Server {
    /// SIGTERM's whole sequence: readiness 503 and the listener closed (`beginShutdown`), in-flight
    /// requests and WebSockets drained, then `closeClients` (Redis: it runs on the loops, and
    /// requests in flight needed it), the loops end, *then* SIGTERM to the backends, SIGKILL at
    /// the grace deadline. Backends go last because proxied requests in flight still need them.
    ///
    /// Budget: `grace - 250 ms` in all (the rest is for the last log lines and the exit, before
    /// Cloud Run's SIGKILL). The drain may use all of it except a reserve for the backends' own
    /// shutdown, a quarter of the budget up to 5 s; a drain that ends early leaves them the rest.
    ///
    /// - Parameter closeClients: closes what runs on the loops besides connections (it posts the
    ///   closing work to them); called once the connections are gone or the drain is out of time.
    /// - Returns: whether the drain finished in time, and whether every backend exited on SIGTERM.
    @discardableResult
    package func drainThenStop(
        backends: BackendSupervisor?, graceMilliseconds: Int64, closeClients: () -> Void = {}
    ) -> (drained: Bool, backendsStopped: Bool) {
        beginShutdown()
        let budget = max(100, graceMilliseconds - 250)
        let clock = SystemClock()
        let begun = clock.nowMilliseconds()
        let reserve = (backends?.isEmpty ?? true) ? 0 : min(budget / 4, 5000)
        let connectionsGone = waitUntilDrained(timeoutMilliseconds: budget - reserve)
        closeClients()
        let left = begun + budget - reserve - clock.nowMilliseconds()
        let drained = waitUntilStopped(timeoutMilliseconds: max(100, left)) && connectionsGone
        guard let backends, !backends.isEmpty else { return (drained, true) }
        let stopped = backends.stop(deadline: begun + budget)
        return (drained, stopped)
    }
}
