/// How a `run:` backend is watched and restarted (milliseconds). The defaults are production's;
/// tests shorten them so a crash loop takes a fraction of a second, never to assert on timing.
package struct BackendPolicy: Sendable, Equatable {
    /// First restart delay; doubles per consecutive failure (equal jitter, `RedisBackoff`)…
    package var restartInitial: Int64 = 500
    /// …up to this cap: a backend that cannot start is retried twice a minute, forever.
    package var restartCap: Int64 = 30_000
    /// A child that stayed up this long counts as healthy: its next crash restarts from `restartInitial`.
    package var stableAfter: Int64 = 30_000
    /// Health checks while starting (until the first pass): quick, so traffic flows soon.
    package var startingProbeInterval: Int64 = 200
    /// Health checks while running.
    package var probeInterval: Int64 = 2000
    /// Each check's connect + answer deadline.
    package var probeTimeout: Int64 = 1000
    /// Consecutive failed checks before a ready backend is `down` (one slow answer is not an outage).
    package var failuresBeforeDown = 2
    /// A first start that is not healthy after this long is `down` (readiness: 200 `degraded`), so a
    /// startup probe on readiness passes and the rest of the app serves: below Cloud Run's 240 s.
    package var startWindow: Int64 = 60_000

    package init() {}

    package static let standard = BackendPolicy()
}
