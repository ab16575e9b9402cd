/// `edge:` rules: where domain mappings exist, which client headers can be trusted, what the load
/// balancer accepts as custom headers (research/lb-cdn-cost.md §1–§3), and the cost ceiling.
extension Validator {
    mutating func checkEdge() {
        let edge = config.edge
        let service = config.service
        switch edge.mode {
        case .domainMapping:
            if !EdgeConfig.domainMappingRegions.contains(service.region) {
                report(.error, at: "edge.mode",
                    "Cloud Run domain mappings are not offered in \(service.region) (only "
                        + EdgeConfig.domainMappingRegions.joined(separator: ", ") + "); use edge.mode: load_balancer",
                    inputs: ["service.region"])
            } else {
                report(.warning, at: sourceMap.isWritten("edge.mode") ? "edge.mode" : "service.domain",
                    "Cloud Run domain mappings are Preview and \"not production-ready\" (latency); edge.mode: "
                        + "load_balancer is Google's recommended path and adds client-region headers and Cloud CDN")
            }
            if service.domain.utf8.count > 64 {
                report(.error, at: "service.domain",
                    "a domain mapping takes domains of at most 64 characters (this one has \(service.domain.utf8.count)); "
                        + "use edge.mode: load_balancer", inputs: ["edge.mode"])
            }
        case .loadBalancer, .none:
            break
        }
        checkClientHeaders()
        checkRequestHeaders()
    }

    /// Client headers are trustworthy only when the load balancer sets them and `run.app` is closed.
    mutating func checkClientHeaders() {
        let edge = config.edge
        let monitoring = config.monitoring
        let named = [("country_header", monitoring.countryHeader), ("rtt_header", monitoring.rttHeader)]
            .compactMap { key, value in value.map { (key, $0) } }
        for (key, header) in named {
            let path = "monitoring.\(key)"
            if edge.mode != .loadBalancer {
                report(.error, at: path,
                    "monitoring.\(key) needs edge.mode: load_balancer: only the load balancer sets '\(header)', and "
                        + "without it any client can send it (edge.mode is \(edge.mode.rawValue))", inputs: ["edge.mode"])
            } else if !edge.requestHeaders.contains(where: { $0.name.lowercased() == header.lowercased() }) {
                report(.error, at: path,
                    "'\(header)' is not among edge.request_headers ("
                        + edge.requestHeaders.map(\.name).joined(separator: ", ")
                        + "), so the load balancer never sets it", inputs: ["edge.request_headers"])
            }
        }
        if edge.mode == .loadBalancer, config.service.ingress == .all, sourceMap.isWritten("service.ingress") {
            let message =
                "service.ingress: all lets clients reach run.app directly, around the load balancer; "
                + "use internal-and-cloud-load-balancing (the default with edge.mode: load_balancer)"
            if named.isEmpty {
                report(.warning, at: "service.ingress", message)
            } else {
                report(.error, at: "service.ingress",
                    message + ": anyone could forge " + named.map { "'\($0.1)'" }.joined(separator: " and ")
                        + " through run.app")
            }
        }
    }

    /// Google's custom-header rules (load-balancing/docs/https/custom-headers).
    mutating func checkRequestHeaders() {
        let headers = config.edge.requestHeaders
        guard config.edge.mode == .loadBalancer else { return }
        if headers.count > 16 {
            report(.error, at: "edge.request_headers",
                "the load balancer accepts at most 16 custom request headers per backend service, found \(headers.count)")
        }
        let bytes = headers.reduce(0) { $0 + $1.name.utf8.count + 1 + $1.value.utf8.count }
        if bytes > 8 * 1024 {
            report(.error, at: "edge.request_headers",
                "custom request headers total \(bytes) bytes before expansion; the load balancer accepts at most 8 KB")
        }
        var seen: [String] = []
        for header in headers {
            let path = "edge.request_headers.\(header.name)"
            if let problem = Self.forbiddenHeaderName(header.name) {
                report(.error, at: path, key: true, "the load balancer does not accept '\(header.name)' as a custom header: \(problem)")
            } else if seen.contains(header.name.lowercased()) {
                report(.error, at: path, key: true, "header '\(header.name)' is set twice (header names ignore case)")
            }
            seen.append(header.name.lowercased())
            if let problem = Self.headerValueProblem(header.value) {
                report(.error, at: path, "invalid value for custom header '\(header.name)': \(problem)")
            }
        }
    }

    /// Variables the load balancer expands in custom header values (custom-headers page).
    static let loadBalancerVariables: [String] = [
        "cdn_cache_id", "cdn_cache_status", "origin_request_header", "client_rtt_msec", "client_region",
        "client_region_subdivision", "client_city", "client_city_lat_long", "client_ip_address", "client_port",
        "client_encrypted", "client_protocol", "device_request_type", "server_ip_address", "server_port",
        "tls_sni_hostname", "tls_version", "tls_cipher_suite", "tls_ja3_fingerprint", "tls_ja4_fingerprint",
        "user_agent_family",
        // With mutual TLS on the target proxy:
        "client_cert_present", "client_cert_chain_verified", "client_cert_error", "client_cert_sha256_fingerprint",
        "client_cert_serial_number", "client_cert_valid_not_before", "client_cert_valid_not_after",
        "client_cert_uri_sans", "client_cert_dnsname_sans", "client_cert_issuer_dn", "client_cert_subject_dn",
        "client_cert_leaf", "client_cert_chain", "client_cert_spiffe_id",
    ]

    /// Why Google rejects a custom header name, or nil when it accepts it.
    static func forbiddenHeaderName(_ name: String) -> String? {
        guard isToken(name) else { return "not an RFC 7230 token" }
        let lower = name.lowercased()
        if ["host", "x-user-ip", "cdn-loop", "via", "x-forwarded-for", "x-forwarded-proto"].contains(lower) {
            return "the load balancer sets it itself"
        }
        if ["keep-alive", "transfer-encoding", "te", "connection", "trailer", "upgrade", "proxy-authorization",
            "proxy-authenticate"].contains(lower)
        {
            return "hop-by-hop headers cannot be added"
        }
        for prefix in ["x-forwarded-", "x-google", "x-goog-", "x-gfe", "x-amz-"] where lower.hasPrefix(prefix) {
            return "names starting with '\(prefix)' are reserved"
        }
        return nil
    }

    /// Balanced `{variable}` references to known variables; `{{` and `}}` are literal braces.
    static func headerValueProblem(_ value: String) -> String? {
        let chars = Array(value)
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if c == "{" {
                if index + 1 < chars.count, chars[index + 1] == "{" {
                    index += 2
                    continue
                }
                guard let close = chars[(index + 1)...].firstIndex(of: "}") else { return "unbalanced '{'" }
                let name = String(chars[(index + 1)..<close])
                if name.contains("{") { return "unbalanced '{'" }
                if !loadBalancerVariables.contains(name) {
                    var message = "'{\(name)}' is not a load balancer variable"
                    if let near = EditDistance.suggestion(for: name, among: loadBalancerVariables) {
                        message += "; did you mean '{\(near)}'?"
                    }
                    return message
                }
                index = close + 1
            } else if c == "}" {
                if index + 1 < chars.count, chars[index + 1] == "}" {
                    index += 2
                    continue
                }
                return "unbalanced '}'"
            } else {
                index += 1
            }
        }
        return nil
    }

    /// The bill if every allowed instance ran all month, against the original design's cost trigger.
    mutating func checkCostCeiling() {
        guard let limit = config.monitoring.triggers.monthlyCostUSD else { return }
        let ceiling = CostModel.ceiling(config)
        if ceiling.totalUSD > Double(limit) {
            report(.warning, at: "monitoring.triggers.monthly_cost_usd",
                "max_instances (\(config.scaling.maxInstances)) running all month would cost about "
                    + CostReport.usd(ceiling.totalUSD) + "/month, above monthly_cost_usd ($\(limit)); "
                    + "lower scaling.max_instances or raise the trigger (see `piloto cost`)",
                inputs: ["scaling.max_instances"])
        }
    }
}
