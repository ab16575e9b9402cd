/// `edge:` — what sits between the internet and the Cloud Run service.
///
/// Cloud Run domain mappings exist only in ten regions and are Preview; everywhere else (the
/// original design's southamerica-east1 included) the domain needs the global external Application
/// Load Balancer, which is also the only path that adds `{client_region}` / `{client_rtt_msec}`
/// headers and Cloud CDN (research/lb-cdn-cost.md §1, §2).
package struct EdgeConfig: Sendable, Equatable {
    package var mode: Mode
    /// Cloud CDN on the load balancer's backend service (`enable_cdn`, `USE_ORIGIN_HEADERS`).
    package var cdn: Bool
    /// Custom request headers the load balancer adds, in file order (`Name: "{variable}"`).
    package var requestHeaders: [HeaderField]
    /// A second URL map + HTTP proxy + forwarding rule on port 80 that redirects to HTTPS.
    package var httpToHTTPS: Bool

    package enum Mode: String, Sendable, Equatable, CaseIterable {
        case loadBalancer = "load_balancer"
        case domainMapping = "domain_mapping"
        /// Only the service's own `*.run.app` URL.
        case none
    }

    /// Regions that offer Cloud Run domain mappings (docs.cloud.google.com/run/docs/mapping-custom-domains,
    /// last updated 2026-04-08), in the page's order.
    package static let domainMappingRegions = [
        "asia-east1", "asia-northeast1", "asia-southeast1", "europe-north1", "europe-west1", "europe-west4",
        "us-central1", "us-east1", "us-east4", "us-west1",
    ]

    /// `domain_mapping` where Google offers it, else `load_balancer`.
    package static func defaultMode(region: String) -> Mode {
        domainMappingRegions.contains(region) ? .domainMapping : .loadBalancer
    }

    /// The headers the load balancer adds when `request_headers` is not written: what
    /// `monitoring.country_header` and `rtt_header` name by default.
    package static let defaultRequestHeaders = [
        HeaderField(name: "X-Client-Region", value: "{client_region}"),
        HeaderField(name: "X-Client-RTT-Ms", value: "{client_rtt_msec}"),
    ]

    /// The defaults for a service in `region`.
    package static func defaults(region: String) -> EdgeConfig {
        EdgeConfig(mode: defaultMode(region: region), cdn: false, requestHeaders: defaultRequestHeaders, httpToHTTPS: true)
    }
}

/// `cost:` — one month of expected traffic, the usage half of `piloto cost` (prices are in `PriceTable`).
package struct CostUsage: Sendable, Equatable {
    package var requestsPerMonth: Double
    package var meanRequestSeconds: Double
    /// Hours in the month with at least one WebSocket open.
    package var websocketHours: Double
    package var peakWebSockets: Double
    /// GiB sent to clients through the load balancer (dynamic responses, cache misses).
    package var egressGiB: Double
    /// GiB served from the Cloud CDN cache, by continent.
    package var cdnEgressGiB: [CDNContinent: Double]
    package var logGiB: Double

    package init(
        requestsPerMonth: Double = 0, meanRequestSeconds: Double = 0, websocketHours: Double = 0,
        peakWebSockets: Double = 0, egressGiB: Double = 0, cdnEgressGiB: [CDNContinent: Double] = [:], logGiB: Double = 0
    ) {
        self.requestsPerMonth = requestsPerMonth
        self.meanRequestSeconds = meanRequestSeconds
        self.websocketHours = websocketHours
        self.peakWebSockets = peakWebSockets
        self.egressGiB = egressGiB
        self.cdnEgressGiB = cdnEgressGiB
        self.logGiB = logGiB
    }

    package static let zero = CostUsage()
}

/// Cloud CDN cache-egress price regions (cloud.google.com/cdn/pricing), in table order.
package enum CDNContinent: String, Sendable, Equatable, Hashable, CaseIterable {
    case northAmerica = "north_america"
    case southAmerica = "south_america"
    case europe
    case asiaPacific = "asia_pacific"

    /// The name on Google's price page.
    package var label: String {
        switch self {
        case .northAmerica: "North America"
        case .southAmerica: "South America"
        case .europe: "Europe"
        case .asiaPacific: "Asia-Pacific"
        }
    }
}
