import Dispatch
import FoundationEssentials

/// The dashboard across instances (`sessions.store: redis`): every instance publishes its
/// `InstanceSnapshot` to Redis every `interval` (5 s) and the dashboard merges all live ones.
///
/// - `SET piloto:dashboard:instance:<id> <json> EX <ttl>` (15 s): an instance that dies or is
///   scaled in disappears from the merge within `ttl`, without anyone cleaning up.
/// - `ZADD piloto:dashboard:instances <unix ms> <id>`: the index readers use instead of `KEYS`/`SCAN`;
///   entries older than `ttl` are pruned by every publisher (`ZREMRANGEBYSCORE`).
/// - Reading: `ZRANGEBYSCORE` (fresh ids, ordered) then one `MGET`; this instance's own entry is
///   replaced by its live reading, so the figures of the instance that answers are never stale.
/// Redis unreachable: the dashboard shows this instance alone (`instances.source` stays `memory`).
package final class DashboardCluster: Sendable {
    package static let keyPrefix = "piloto:dashboard:instance:"
    package static let indexKey = "piloto:dashboard:instances"

    private let client: RedisClient
    private let source: DashboardSource
    private let intervalMilliseconds: Int
    private let ttlSeconds: Int
    private let timer = DispatchSourceSlot()
    private let queue = DispatchQueue(label: "piloto-dashboard-cluster")

    package init(
        client: RedisClient, source: DashboardSource, intervalMilliseconds: Int = 5000, ttlSeconds: Int = 15
    ) {
        self.client = client
        self.source = source
        self.intervalMilliseconds = max(100, intervalMilliseconds)
        self.ttlSeconds = max(1, ttlSeconds)
    }

    deinit { stop() }

    package var instance: String { source.instance }

    /// Publishes now, then every interval, on a background queue until `stop()` (the timer holds
    /// the publisher: it keeps publishing even when no dashboard route holds it).
    package func start() {
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(
            deadline: .now(), repeating: .milliseconds(intervalMilliseconds), leeway: .milliseconds(intervalMilliseconds / 10))
        source.setEventHandler { self.publish() }
        timer.install(source)
    }

    package func stop() { timer.cancel() }

    /// This instance's snapshot, now.
    package func localSnapshot() -> InstanceSnapshot { InstanceSnapshot(instance: instance, reading: source.reading()) }

    /// Writes this instance's snapshot and prunes the index (three pipelined commands).
    package func publish() {
        publish(localSnapshot())
    }

    func publish(_ snapshot: InstanceSnapshot) {
        let json = snapshot.jsonBytes
        let now = snapshot.atUnixMilliseconds
        client.send([Array("SET".utf8), Array((Self.keyPrefix + instance).utf8), json, Array("EX".utf8), Array(String(ttlSeconds).utf8)]) { _ in }
        client.send(["ZADD", Self.indexKey, String(now), instance]) { _ in }
        client.send(["ZREMRANGEBYSCORE", Self.indexKey, "-inf", "(" + String(now - Int64(ttlSeconds) * 1000)]) { _ in }
    }

    /// The merged reading of every live instance, the local one read live; on any Redis failure,
    /// the local reading alone. `completion` runs on the Redis client's thread.
    package func reading(completion: @escaping @Sendable (DashboardReading) -> Void) {
        let local = source.reading()
        let mine = InstanceSnapshot(instance: instance, reading: local)
        let since = local.unixMilliseconds - Int64(ttlSeconds) * 1000
        let client = self.client
        let instance = self.instance
        client.send(["ZRANGEBYSCORE", Self.indexKey, String(since), "+inf"]) { result in
            guard case .success(.array(let items?)) = result else {
                completion(Self.alone(local, mine))
                return
            }
            let ids = items.compactMap(\.text).filter { $0 != instance }
            guard !ids.isEmpty else {
                completion(Self.merged(local, [mine]))
                return
            }
            client.send(["MGET"] + ids.map { Self.keyPrefix + $0 }) { result in
                guard case .success(.array(let values?)) = result else {
                    completion(Self.alone(local, mine))
                    return
                }
                let others = values.compactMap { value -> InstanceSnapshot? in
                    guard case .bulkString(let bytes?) = value else { return nil }  // expired meanwhile
                    return InstanceSnapshot(jsonBytes: bytes)
                }
                completion(Self.merged(local, [mine] + others.filter { $0.instance != instance }))
            }
        }
    }

    /// `snapshots` merged, with what stays local: upstreams, draining, the time of the reading.
    static func merged(_ local: DashboardReading, _ snapshots: [InstanceSnapshot]) -> DashboardReading {
        var reading = DashboardMerge.merge(snapshots)
        reading.upstreams = local.upstreams
        reading.draining = local.draining
        reading.unixMilliseconds = local.unixMilliseconds
        reading.instanceSource = "redis"
        return reading
    }

    static func alone(_ local: DashboardReading, _ mine: InstanceSnapshot) -> DashboardReading {
        var reading = local
        reading.instances = [mine]
        return reading
    }
}
