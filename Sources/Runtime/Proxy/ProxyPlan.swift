import PilotoConfig
import PilotoHTTPCore

/// One proxy route, resolved at boot: where it goes and its limits, in the loop's units.
package struct ProxyPlan: Sendable {
    /// Index into `ProxyUpstreams` (one pool and one set of counters per distinct upstream).
    let upstream: Int
    /// Resolved at boot; nil when the name did not resolve (the route answers 502 and says why).
    let address: ConnectAddress?
    /// The upstream's `Host`-less base path (`http://h:1/base` → `/base`).
    let basePath: String
    let routePrefix: String
    let stripPrefix: Bool
    let connectTimeout: Int64
    let timeout: Int64
    let idleTimeout: Int64
    let hold: Int64
    let retry: ProxyRetry
    let maxBody: Int
    let websocket: Bool
    /// Age limit of a tunnel (`scaling.request_timeout`: Cloud Run cuts the request there anyway).
    let tunnelMaxAge: Int64
    /// `server.headers`, added to relayed responses that do not set the same field themselves.
    let serverHeaders: [(name: String, value: String)]
    let metrics: ProxyUpstreamMetrics
    /// Every loop's pools (this plan's pool is `upstream` in each).
    let upstreams: ProxyUpstreams
}

/// What every loop keeps for the proxy: a pool per upstream and one read buffer, only touched by
/// that loop's thread.
final class LoopProxyState {
    let pools: [UpstreamPool]
    let buffer: UnsafeMutableRawBufferPointer

    init(pools: [UpstreamPool]) {
        self.pools = pools
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { buffer.deallocate() }
}

/// The per-loop states, all built at boot (the array never changes). Each state is used only by
/// its loop (the index comes from `ExchangeLink.loopIndex`), which is why this can be `Sendable`.
package final class ProxyUpstreams: @unchecked Sendable {
    package let metrics: [ProxyUpstreamMetrics]
    private let perLoop: [LoopProxyState]
    /// Idle connections kept per upstream and loop, at least. Why tied to `scaling.concurrency`:
    /// Cloud Run never sends an instance more requests at once than that, so a pool that keeps
    /// that many never closes a connection it will need again a moment later; a smaller cap
    /// (32 at first) made a burst of 64 open one new upstream connection per 16 requests.
    static let minimumIdle = 32
    /// uvicorn's keep-alive is 5 s, so 4 s stays below it.
    static let idleTimeout: Int64 = 4_000

    package init(metrics: [ProxyUpstreamMetrics], loopCount: Int, concurrency: Int = 80) {
        self.metrics = metrics
        let maxIdle = max(Self.minimumIdle, concurrency)
        perLoop = (0..<max(loopCount, 1)).map { _ in
            LoopProxyState(pools: metrics.map {
                UpstreamPool(maxIdle: maxIdle, idleTimeout: Self.idleTimeout, metrics: $0)
            })
        }
    }

    func state(forLoop index: Int) -> LoopProxyState {
        precondition(index >= 0 && index < perLoop.count, "loop index out of range")
        return perLoop[index]
    }
}
