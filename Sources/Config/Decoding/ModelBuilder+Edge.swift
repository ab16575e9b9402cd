/// Decoding of `edge:`, `cost:` and `monitoring.rtt_header`, kept apart from the main decoder.
///
/// Some defaults depend on other keys (the edge mode on the region, the ingress on the edge mode),
/// so they are resolved here, after the rest of the model is built.
extension ModelBuilder {
    func addEdge(_ root: TypedSection, to config: inout PilotoConfig) {
        config.edge = edge(root.section("edge") ?? TypedSection(), region: config.service.region)
        config.cost = costUsage(root.section("cost") ?? TypedSection())
        config.monitoring.rttHeader = root.section("monitoring")?.string("rtt_header")
        if root.section("service")?.string("ingress") == nil {
            config.service.ingress = config.edge.mode == .loadBalancer ? .internalAndCloudLoadBalancing : .all
        }
    }

    func edge(_ s: TypedSection, region: String) -> EdgeConfig {
        let headers = s.section("request_headers").map { section in
            section.entries.compactMap { entry -> HeaderField? in
                guard case .string(let value) = entry.value else { return nil }
                return HeaderField(name: entry.name, value: value)
            }
        }
        return EdgeConfig(
            mode: s.string("mode").flatMap(EdgeConfig.Mode.init(rawValue:)) ?? EdgeConfig.defaultMode(region: region),
            cdn: s.boolean("cdn") ?? false, requestHeaders: headers ?? EdgeConfig.defaultRequestHeaders,
            httpToHTTPS: s.boolean("http_to_https") ?? true)
    }

    func costUsage(_ s: TypedSection) -> CostUsage {
        let cdn = s.section("cdn_egress_gib") ?? TypedSection()
        var byContinent: [CDNContinent: Double] = [:]
        for continent in CDNContinent.allCases {
            byContinent[continent] = cdn.number(continent.rawValue) ?? 0
        }
        return CostUsage(
            requestsPerMonth: s.number("requests_per_month") ?? 0, meanRequestSeconds: s.number("mean_request_seconds") ?? 0,
            websocketHours: s.number("websocket_hours") ?? 0, peakWebSockets: s.number("peak_websockets") ?? 0,
            egressGiB: s.number("egress_gib") ?? 0, cdnEgressGiB: byContinent, logGiB: s.number("log_gib") ?? 0)
    }
}
