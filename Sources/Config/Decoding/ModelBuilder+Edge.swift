/// Decoding of `edge:`, `cost:` and `monitoring.rtt_header`, kept apart from the main decoder.
///
/// Some defaults depend on other keys (the edge mode on the region, the ingress on the edge mode),
/// so those keys are `.optional` in the table and resolved here, after the rest of the model.
extension ModelBuilder {
    func addEdge(_ root: KeyReader, to config: inout PilotoConfig) throws(SchemaDefect) {
        config.edge = try edge(root.section("edge"), region: config.service.region)
        config.cost = try costUsage(root.section("cost"))
        config.monitoring.rttHeader = try root.section("monitoring").read("rtt_header")
        if try root.section("service").read("ingress", as: ServiceConfig.Ingress?.self) == nil {
            config.service.ingress = config.edge.mode == .loadBalancer ? .internalAndCloudLoadBalancing : .all
        }
    }

    func edge(_ s: KeyReader, region: String) throws(SchemaDefect) -> EdgeConfig {
        let written = s.values.section("request_headers") != nil
        let headers = try s.entries("request_headers", as: String.self).map { HeaderField(name: $0.name, value: $0.value) }
        return EdgeConfig(
            mode: try s.read("mode", as: EdgeConfig.Mode?.self) ?? EdgeConfig.defaultMode(region: region),
            cdn: try s.read("cdn"), requestHeaders: written ? headers : EdgeConfig.defaultRequestHeaders,
            httpToHTTPS: try s.read("http_to_https"))
    }

    func costUsage(_ s: KeyReader) throws(SchemaDefect) -> CostUsage {
        let cdn = try s.section("cdn_egress_gib")
        var byContinent: [CDNContinent: Double] = [:]
        for continent in CDNContinent.allCases {
            byContinent[continent] = try cdn.read(continent.rawValue, as: Double.self)
        }
        return CostUsage(
            requestsPerMonth: try s.read("requests_per_month"), meanRequestSeconds: try s.read("mean_request_seconds"),
            websocketHours: try s.read("websocket_hours"), peakWebSockets: try s.read("peak_websockets"),
            egressGiB: try s.read("egress_gib"), cdnEgressGiB: byContinent, logGiB: try s.read("log_gib"))
    }
}

extension EdgeConfig.Mode: ConfigChoice {}

extension Double: ConfigValue {
    package static func decode(_ value: TypedValue) -> Double? {
        switch value {
        case .number(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
    package static func isCarried(by type: ValueType) -> Bool { if case .number = type { true } else { false } }
}
