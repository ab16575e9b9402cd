/// The original design's cost table (seed roadmap, "Estimativa de Custos": MVP, Crescimento,
/// Escala, Com CDN) recomputed with `CostModel` at list prices, beside the seed's own figures.
///
/// The seed gives users, instances and dollars per phase but no traffic, so each phase gets a
/// usage profile derived from its user count (`profile`, stated in the output): the point is to
/// show which lines the seed misses (no load balancer, Redis below list price), not to predict
/// the bill to the cent.
package enum SeedPhases {
    /// One row of the seed's table, with the seed's own dollars.
    package struct Phase: Sendable, Equatable {
        package var id: String
        package var label: String
        package var users: Int
        package var minInstances: Int
        package var maxInstances: Int
        package var redis: Bool
        package var cdn: Bool
        package var seedCloudRun: Double
        package var seedCloudSQL: Double
        package var seedRedis: Double
        package var seedTotal: Double
    }

    /// The seed's table, in its order ("Redis -" in the MVP row is no Redis).
    package static let phases = [
        Phase(id: "mvp", label: "MVP (0-2m)", users: 5, minInstances: 0, maxInstances: 1, redis: false, cdn: false,
              seedCloudRun: 20, seedCloudSQL: 10, seedRedis: 0, seedTotal: 30),
        Phase(id: "crescimento", label: "Crescimento (2-6m)", users: 50, minInstances: 0, maxInstances: 3, redis: true, cdn: false,
              seedCloudRun: 50, seedCloudSQL: 20, seedRedis: 30, seedTotal: 100),
        Phase(id: "escala", label: "Escala (6m+)", users: 200, minInstances: 1, maxInstances: 5, redis: true, cdn: false,
              seedCloudRun: 150, seedCloudSQL: 50, seedRedis: 30, seedTotal: 230),
        Phase(id: "com_cdn", label: "Com CDN", users: 500, minInstances: 1, maxInstances: 10, redis: true, cdn: true,
              seedCloudRun: 300, seedCloudSQL: 100, seedRedis: 50, seedTotal: 450),
    ]

    /// Working hours with someone online: 10 h × 22 working days.
    package static let websocketHours = 220.0
    /// Requests per online user per hour (page loads, API calls; WebSocket messages are not requests).
    package static let requestsPerUserHour = 120.0
    package static let meanRequestSeconds = 0.05
    /// GiB a user causes a month: dynamic egress, and with the CDN, cached assets by continent.
    package static let egressGiBPerUser = 0.5
    package static let cdnGiBPerUser: [(CDNContinent, Double)] = [(.northAmerica, 0.1), (.southAmerica, 0.3)]
    package static let logGiBPerUser = 0.02

    /// The month of usage a phase's users make: every user holds one WebSocket at the peak.
    package static func profile(_ phase: Phase) -> CostUsage {
        let users = Double(phase.users)
        var cdn: [CDNContinent: Double] = [:]
        if phase.cdn { for (continent, gib) in cdnGiBPerUser { cdn[continent] = gib * users } }
        return CostUsage(
            requestsPerMonth: users * requestsPerUserHour * websocketHours, meanRequestSeconds: meanRequestSeconds,
            websocketHours: websocketHours, peakWebSockets: users, egressGiB: users * egressGiBPerUser,
            cdnEgressGiB: cdn, logGiB: users * logGiBPerUser)
    }

    /// `config` as the phase runs it: its instances, Redis from Crescimento on, the CDN in the last.
    /// Region, CPU, memory, concurrency, billing and edge mode stay the config's.
    package static func config(_ phase: Phase, base: PilotoConfig) -> PilotoConfig {
        var config = base
        config.scaling.minInstances = phase.minInstances
        config.scaling.maxInstances = phase.maxInstances
        config.sessions.store = phase.redis ? .redis : .memory
        config.edge.cdn = phase.cdn
        return config
    }

    /// One phase: the inputs and piloto's estimate.
    package struct Row: Sendable, Equatable {
        package var phase: Phase
        package var usage: CostUsage
        package var estimate: CostEstimate

        /// The seed's total without Cloud SQL, which piloto does not model: the comparable figure.
        package var seedComparable: Double { phase.seedTotal - phase.seedCloudSQL }
    }

    package static func rows(_ base: PilotoConfig) -> [Row] {
        phases.map { phase in
            let usage = profile(phase)
            return Row(phase: phase, usage: usage, estimate: CostModel.estimate(config(phase, base: base), usage: usage))
        }
    }
}
