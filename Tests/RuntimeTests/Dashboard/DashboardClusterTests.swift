import Testing
import PilotoTestKit
@testable import PilotoRuntime

/// Two instances' dashboards on one real Redis: each publishes, either one merges both.
@Suite struct DashboardClusterTests {
    final class Instance: Sendable {
        let registry = MetricsRegistry(routePatterns: ["/api", "/"], loopCount: 1)
        let client: RedisClient
        let cluster: DashboardCluster

        init(_ url: RedisURL, id: String, requests: Int) throws {
            client = RedisClient(url: url, loop: ClientLoop.shared, options: .fast)
            for _ in 0..<requests { registry.loops[0].record(route: 0, country: "BR", status: 200, nanos: 1_000_000) }
            cluster = DashboardCluster(client: client, source: DashboardSource(metrics: registry, state: ServerState(), instance: id))
        }
    }

    static func reading(_ cluster: DashboardCluster) async -> DashboardReading {
        await withCheckedContinuation { c in cluster.reading { c.resume(returning: $0) } }
    }

    @Test func eitherInstanceShowsBothAndTheSumOfTheirRequests() async throws {
        let redis = try TestRedis()
        // Unique ids: a shared CI Redis may hold other tests' instances; only ours are counted below.
        let a = try Instance(redis.url, id: uniqueName("a"), requests: 7)
        let b = try Instance(redis.url, id: uniqueName("b"), requests: 5)
        defer {
            a.client.close()
            b.client.close()
        }
        #expect(await eventually { a.client.isConnected && b.client.isConnected })
        a.cluster.publish()
        b.cluster.publish()
        for instance in [a, b] {
            let ours = Set([a.cluster.instance, b.cluster.instance])
            let ok = await eventually {
                Set(await Self.reading(instance.cluster).instances.map(\.instance)).isSuperset(of: ours)
            }
            #expect(ok)
            let reading = await Self.reading(instance.cluster)
            #expect(reading.instanceSource == "redis")
            let mine = reading.instances.filter { ours.contains($0.instance) }
            #expect(mine.map(\.totalRequests).reduce(0, +) == 12)
            #expect(mine.map { $0.routes[0].latency.histogram.count }.reduce(0, +) == 12)
        }
    }

    @Test func withoutRedisTheAnsweringInstanceStandsAlone() async throws {
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: try freePort()), loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 1)
        registry.loops[0].record(route: 0, country: nil, status: 200, nanos: 1_000)
        let cluster = DashboardCluster(client: client, source: DashboardSource(metrics: registry, state: ServerState(), instance: "solo"))
        let reading = await Self.reading(cluster)
        #expect(reading.instances.map(\.instance) == ["solo"])
        #expect(reading.instanceSource == "memory")
        #expect(reading.totalRequests == 1)
    }
}
