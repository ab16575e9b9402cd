/// `edge:` and `cost:` keys (issue 13). Facts: research/lb-cdn-cost.md.
extension PilotoSchema {
    static let edgeSummary =
        "What sits in front of the service: the global external Application Load Balancer (managed certificate, "
        + "client-region and RTT headers, optional Cloud CDN; `out/lb/main.tf`), a Cloud Run domain mapping "
        + "(Preview, ten regions), or nothing but the `run.app` URL. See docs/edge.md."

    static let costSummary =
        "A month of expected traffic, the usage half of `piloto cost` (prices: docs/cost.md). Absent: all zero, "
        + "so the estimate shows only what is billed before traffic (load balancer, warm instances, Redis)."

    static let edge: [KeySpec] = [
        KeySpec(
            "mode", .choice(EdgeConfig.Mode.allCases.map(\.rawValue)), .optional, example: "load_balancer",
            "`load_balancer` | `domain_mapping` | `none` (run.app only). Default: `domain_mapping` in the regions that "
                + "offer it (" + EdgeConfig.domainMappingRegions.joined(separator: ", ")
                + "), else `load_balancer`. Domain mappings are Preview and \"not production-ready\" (Google)."),
        KeySpec(
            "cdn", .boolean, .defaulted("false"),
            "Cloud CDN on the load balancer's backend (`cache_mode = USE_ORIGIN_HEADERS`: the server's Cache-Control "
                + "decides what is cached; `/api` answers stay private)."),
        KeySpec(
            "request_headers", .map(keyLabel: "Header-Name", value: .string), .optional,
            example: "X-Client-Region: \"{client_region}\"",
            "Custom request headers the load balancer adds (at most 16; values may use the load balancer's "
                + "`{variables}`). Default: `X-Client-Region: \"{client_region}\"` and `X-Client-RTT-Ms: "
                + "\"{client_rtt_msec}\"`, the headers `monitoring.country_header` and `rtt_header` read."),
        KeySpec("http_to_https", .boolean, .defaulted("true"), "Also listen on port 80 and redirect to HTTPS (301)."),
    ]

    static let cost: [KeySpec] = [
        KeySpec("requests_per_month", .number, .defaulted("0"), example: "3000000", "HTTP requests in a month."),
        KeySpec("mean_request_seconds", .number, .defaulted("0"), example: "0.05", "Mean time to answer a request, in seconds."),
        KeySpec(
            "websocket_hours", .number, .defaulted("0"), example: "220",
            "Hours in the month with at least one WebSocket open (an instance holding a socket is billed as active)."),
        KeySpec("peak_websockets", .number, .defaulted("0"), example: "20", "WebSockets open at the busiest moment."),
        KeySpec(
            "egress_gib", .number, .defaulted("0"), example: "5",
            "GiB sent to clients from the service (dynamic answers, cache misses): internet egress, and load balancer "
                + "data processing when `edge.mode` is `load_balancer`."),
        KeySpec(
            "cdn_egress_gib", .section(cdnContinents), .implied, example: "{north_america: 2, south_america: 10}",
            "GiB served from the Cloud CDN cache, by continent (counts only with `edge.cdn: true`)."),
        KeySpec("log_gib", .number, .defaulted("0"), example: "2", "GiB of logs ingested (the first 50 GiB are free)."),
    ]

    static let cdnContinents: [KeySpec] = CDNContinent.allCases.map {
        KeySpec($0.rawValue, .number, .defaulted("0"), "GiB of cache egress to clients in this region.")
    }
}
