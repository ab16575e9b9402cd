import PilotoConfig
import Testing

/// The cost model against the worked figures of research/lb-cdn-cost.md ("Cost model"), and the
/// properties every estimate must keep (details add up, free tier never makes a line negative).
@Suite struct CostModelTests {
    /// Tier 2 (southamerica-east1), request-based, 1 vCPU / 512Mi, min 0, one instance.
    static func config(_ extra: String = "", cost: String = "") throws -> PilotoConfig {
        let yaml = """
            service:
              name: cost-app
              domain: cost.example.com
              region: southamerica-east1
              image: southamerica-east1-docker.pkg.dev/p/r/cost-app:1
            scaling:
              max_instances: 1
              cpu: 1
              memory: 512Mi
            \(extra)
            routes:
              - path: /
                handler: spa
                root: public
            cost:
            \(cost.isEmpty ? "  requests_per_month: 0" : cost)
            """
        return try ConfigLoader.load(yaml: yaml, sourceName: "piloto.yaml", baseDirectory: "/x", variables: [:]).config
    }

    static func cents(_ value: Double?) -> Int64? { value.map { Int64(($0 * 100).rounded()) } }

    @Test func aSocketOpenTenHoursTwentyTwoDaysIsAbout22Dollars() throws {
        let config = try Self.config(cost: "  websocket_hours: 220\n  peak_websockets: 1")
        let estimate = CostModel.estimate(config)
        // 792,000 s × ($0.0000336 + 0.5 × $0.0000035) − $5.22 free tier = $22.78 (the research: ≈ $22.8).
        #expect(CostModel.activeSeconds(config, config.cost) == 792_000)
        #expect(Self.cents(estimate.usd("cloud_run")) == 2278)
    }

    @Test func aSocketOpenAllMonthIsAbout88DollarsRequestBasedAnd55InstanceBased() throws {
        let requestBased = try Self.config(cost: "  websocket_hours: 730\n  peak_websockets: 1")
        #expect(Self.cents(CostModel.estimate(requestBased).usd("cloud_run")) == 8768)  // $92.90 − $5.22
        var instanceBased = requestBased
        instanceBased.scaling.cpuThrottling = false
        // europe-west3's instance-based SKU: 2,628,000 × ($0.0000216 + 0.5 × $0.0000024) − $5.22 = $54.70.
        #expect(Self.cents(CostModel.estimate(instanceBased).usd("cloud_run")) == 5470)
    }

    @Test func theLoadBalancerIsBilledBeforeAnyTraffic() throws {
        let config = try Self.config()
        #expect(config.edge.mode == .loadBalancer)
        let estimate = CostModel.estimate(config)
        #expect(estimate.items.map(\.id) == ["cloud_run", "load_balancer", "logging"])
        #expect(Self.cents(estimate.usd("load_balancer")) == 1825)
        #expect(Self.cents(estimate.usd("cloud_run")) == 0)
        var mapped = config
        mapped.edge.mode = .none
        #expect(CostModel.estimate(mapped).usd("load_balancer") == nil)
    }

    @Test func cdnRedisAndEgressLinesApplyOnlyWhenConfigured() throws {
        var config = try Self.config(cost: "  egress_gib: 10\n  cdn_egress_gib: {north_america: 10, south_america: 10}")
        #expect(CostModel.estimate(config).usd("cdn") == nil)
        #expect(Self.cents(CostModel.estimate(config).usd("egress")) == 120)
        config.edge.cdn = true
        let cdn = try #require(CostModel.estimate(config).items.first { $0.id == "cdn" })
        #expect(Self.cents(cdn.usd) == 170)
        #expect(cdn.details.map(\.label) == ["North America: 10 GiB × $0.08/GiB", "South America: 10 GiB × $0.09/GiB"])
        config.sessions.store = .redis
        #expect(Self.cents(CostModel.estimate(config).usd("redis")) == 3577)
    }

    @Test func warmInstancesPayTheIdleRateForTheRestOfTheMonth() throws {
        let config = try Self.config("  min_instances: 1", cost: "  websocket_hours: 220\n  peak_websockets: 1")
        // 2,628,000 − 792,000 = 1,836,000 idle s × (1 × $0.0000025 + 0.5 × $0.0000025) = $6.89.
        let item = try #require(CostModel.estimate(config).items.first { $0.id == "cloud_run" })
        let idle = try #require(item.details.first { $0.label.hasPrefix("Idle minimum instances") })
        #expect(Self.cents(idle.usd) == 689)
        #expect(Self.cents(item.usd) == 2966)  // $22.78 + $6.89, rounded once
    }

    @Test func socketsNeverNeedMoreInstancesThanMaxInstances() throws {
        let config = try Self.config("  concurrency: 10", cost: "  websocket_hours: 100\n  peak_websockets: 95")
        #expect(CostModel.socketInstances(config, config.cost) == 1)
        #expect(CostModel.activeSeconds(config, config.cost) == 360_000)
    }

    @Test func everyItemIsTheSumOfItsDetailsAndTheTotalOfItsItems() throws {
        for (extra, cost) in [
            ("", "  requests_per_month: 3000000\n  mean_request_seconds: 0.05\n  websocket_hours: 220\n  peak_websockets: 20\n  egress_gib: 5\n  log_gib: 70"),
            ("  min_instances: 1\n  cpu_throttling: false", "  requests_per_month: 100"),
            ("  min_instances: 1", "  requests_per_month: 9000000\n  mean_request_seconds: 0.2"),
        ] {
            let estimate = CostModel.estimate(try Self.config(extra, cost: cost))
            for item in estimate.items {
                #expect(item.usd >= 0, "\(item.id)")
                #expect(!item.details.isEmpty, "\(item.id)")
                #expect(abs(item.details.reduce(0) { $0 + $1.usd } - item.usd) < 0.000001, "\(item.id)")
            }
            #expect(abs(estimate.items.reduce(0) { $0 + $1.usd } - estimate.totalUSD) < 0.000001)
        }
    }

    @Test func pricesPrintWithTheDecimalsTheyNeed() {
        #expect(CostReport.price(0.0000336) == "$0.0000336")
        #expect(CostReport.price(0.025) == "$0.025")
        #expect(CostReport.price(0.4) == "$0.40")
        #expect(CostReport.price(1234.5) == "$1,234.50")
        #expect(CostReport.usd(-5.22) == "-$5.22")
    }

    @Test func theSeedsPhasesShowTheLinesItMisses() throws {
        var base = try Self.config()
        base.scaling.concurrency = 80
        let rows = SeedPhases.rows(base)
        #expect(rows.map(\.phase.id) == ["mvp", "crescimento", "escala", "com_cdn"])
        #expect(rows.map(\.phase.seedTotal) == [30, 100, 230, 450])
        for row in rows {
            #expect(Self.cents(row.estimate.usd("load_balancer")).map { $0 >= 1825 } == true, "\(row.phase.id): no LB in the seed")
            if row.phase.redis {
                #expect(row.estimate.usd("redis").map { $0 > row.phase.seedRedis || row.phase.seedRedis == 50 } == true)
            }
            #expect((row.estimate.usd("cdn") != nil) == row.phase.cdn)
        }
        #expect(rows[0].estimate.usd("redis") == nil)
        #expect(rows[3].usage.peakWebSockets == 500)
    }
}
