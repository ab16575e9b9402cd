/// List prices (USD, no committed-use discounts) the cost model uses. Each one with its source and
/// the date it was read is in docs/cost.md; facts from research/lb-cdn-cost.md §4.
package enum PriceTable {
    /// Seconds in the 730-hour month every Google price page uses.
    package static let secondsPerMonth = 2_628_000.0
    package static let hoursPerMonth = 730.0

    /// Cloud Run region price tier (cloud.google.com/run/docs/locations).
    package enum Tier: Int, Sendable, Equatable {
        case one = 1
        case two = 2
    }

    /// Tier 1 regions; every other region is Tier 2 (southamerica-east1 and europe-west3 are).
    package static let tier1Regions = [
        "asia-east1", "asia-northeast1", "asia-northeast2", "europe-north1", "europe-southwest1", "europe-west1",
        "europe-west4", "europe-west8", "europe-west9", "me-west1", "us-central1", "us-east1", "us-east4", "us-east5",
        "us-south1", "us-west1",
    ]

    package static func tier(region: String) -> Tier { tier1Regions.contains(region) ? .one : .two }

    /// Cloud Run CPU and memory prices per vCPU-second and GiB-second.
    package struct CloudRunRates: Sendable, Equatable {
        package var cpu: Double
        package var memory: Double
    }

    /// Request-based billing, active time.
    package static func requestBased(_ tier: Tier) -> CloudRunRates {
        tier == .one ? CloudRunRates(cpu: 0.000024, memory: 0.0000025) : CloudRunRates(cpu: 0.0000336, memory: 0.0000035)
    }

    /// Request-based billing, idle minimum instances (Tier 1 figure; Tier 2 unverified, same figure used).
    package static func idleMinInstance(_ tier: Tier) -> CloudRunRates { CloudRunRates(cpu: 0.0000025, memory: 0.0000025) }

    /// Instance-based billing (`cpu_throttling: false`). Tier 2 is europe-west3's SKU (São Paulo's not found).
    package static func instanceBased(_ tier: Tier) -> CloudRunRates {
        tier == .one ? CloudRunRates(cpu: 0.000018, memory: 0.000002) : CloudRunRates(cpu: 0.0000216, memory: 0.0000024)
    }

    /// Requests beyond the free 2 million, request-based only.
    package static let freeRequests = 2_000_000.0
    package static let perRequest = 0.40 / 1_000_000

    /// Monthly free tier, applied as a discount at Tier 1 prices.
    package static let freeRequestBasedVCPUSeconds = 180_000.0
    package static let freeRequestBasedGiBSeconds = 360_000.0
    package static let freeInstanceBasedVCPUSeconds = 240_000.0
    package static let freeInstanceBasedGiBSeconds = 450_000.0

    /// Global external Application Load Balancer: the first five forwarding rules together, per hour.
    package static let forwardingRulesPerHour = 0.025
    package static let loadBalancerPerGiB = 0.008

    /// Cloud CDN cache egress, first 10 TiB a month.
    package static func cdnEgressPerGiB(_ continent: CDNContinent) -> Double {
        switch continent {
        case .northAmerica, .europe: 0.08
        case .southAmerica, .asiaPacific: 0.09
        }
    }

    /// Memorystore for Redis Basic M1, per GB-hour (us-central1; São Paulo's not found), 1 GB instance.
    package static let redisBasicPerGBHour = 0.049
    package static let redisGB = 1.0

    /// Internet egress from Google's network, Premium Tier, first tier (a secondary source; SKUs
    /// vary by source and destination).
    package static let internetEgressPerGiB = 0.12

    /// When the prices above were read (research/lb-cdn-cost.md; docs/cost.md lists each source).
    package static let readOn = "2026-11-29"

    /// Cloud Logging ingestion beyond the free 50 GiB per project.
    package static let freeLogGiB = 50.0
    package static let logPerGiB = 0.50
}
