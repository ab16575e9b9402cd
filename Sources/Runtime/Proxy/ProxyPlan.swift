import PilotoConfig
import PilotoHTTPCore

/// One proxy route, resolved at boot: where it goes and its limits, in the loop's units.
///
/// A class (immutable, so Sendable): every proxied request hands its plan to a `ProxyStart` and a
/// `ProxyExchange`; as a struct each hand-over copied a dozen fields (one retain each, `perf`).
package final class ProxyPlan: Sendable {
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
    /// `HTTPHeaders.lengthBit` of each server header's name (`ServerHeadersSet`).
    let serverHeaderLengths: UInt64
    let metrics: ProxyUpstreamMetrics
    /// Every loop's pools (this plan's pool is `upstream` in each).
    let upstreams: ProxyUpstreams

    init(
        upstream: Int, address: ConnectAddress?, basePath: String, routePrefix: String, stripPrefix: Bool,
        connectTimeout: Int64, timeout: Int64, idleTimeout: Int64, hold: Int64, retry: ProxyRetry, maxBody: Int,
        websocket: Bool, tunnelMaxAge: Int64, serverHeaders: [(name: String, value: String)],
        metrics: ProxyUpstreamMetrics, upstreams: ProxyUpstreams
    ) {
        self.upstream = upstream
        self.address = address
        self.basePath = basePath
        self.routePrefix = routePrefix
        self.stripPrefix = stripPrefix
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.hold = hold
        self.retry = retry
        self.maxBody = maxBody
        self.websocket = websocket
        self.tunnelMaxAge = tunnelMaxAge
        self.serverHeaders = serverHeaders
        serverHeaderLengths = serverHeaders.reduce(0) { $0 | HTTPHeaders.lengthBit($1.name.utf8.count) }
        self.metrics = metrics
        self.upstreams = upstreams
    }
}

/// What every loop keeps for the proxy: a pool per upstream and one read buffer, only touched by
/// that loop's thread.
final class LoopProxyState {
    let pools: [UpstreamPool]
    let buffer: UnsafeMutableRawBufferPointer
    /// Reused for each relayed response head (`ProxyExchange.relayHead`).
    var headScratch: [UInt8] = []
    /// Response parsers of finished exchanges, buffers kept: a fresh parser reserved its head
    /// buffers per proxied request (two allocations). Bounded, so a burst cannot pin memory.
    private var spareParsers: [HTTPResponseParser] = []
    private static let maxSpareParsers = 64

    init(pools: [UpstreamPool]) {
        self.pools = pools
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// A parser for a new exchange: a finished exchange's, reset, or a new one.
    func takeParser() -> HTTPResponseParser {
        guard let spare = spareParsers.popLast() else { return HTTPResponseParser() }
        return spare
    }

    /// Keeps `parser`'s buffers for a later exchange when it ended cleanly between responses
    /// (never a failed or upgraded one); `parser` is left an empty placeholder either way, so the
    /// kept buffers are referenced only here.
    func recycle(_ parser: inout HTTPResponseParser) {
        var taken = HTTPResponseParser(reserving: false)
        swap(&taken, &parser)
        guard taken.isIdle, spareParsers.count < Self.maxSpareParsers else { return }
        spareParsers.append(taken)
    }
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
