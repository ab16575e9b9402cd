import PilotoConfig

/// `lb/main.tf`: the global external Application Load Balancer in front of the service, one
/// Terraform file for the `google` provider, no modules (research/lb-cdn-cost.md §2).
///
/// Why Terraform and not gcloud commands: the ten resources must be created in order, updated in
/// place and deleted when dropped, which `gcloud … create` cannot do on a rerun. Why it only
/// *references* the Cloud Run service by name (`cloud_run { service = … }`): `service.yaml` stays
/// the one writer of the service, so the two tools never fight over it. Every value is spelled
/// out (no variables unless `service.project` is missing) so the file reads as what will exist.
package enum LoadBalancerGenerator {
    /// The artifact, or nil when `edge.mode` is not `load_balancer`.
    package static func generate(_ config: PilotoConfig) -> Artifact? {
        guard config.edge.mode == .loadBalancer else { return nil }
        return Artifact(path: "lb/main.tf", contents: contents(config))
    }

    static func contents(_ config: PilotoConfig) -> String {
        let names = LoadBalancerNames(config)
        var items: [HCL.Item] = []
        for section in sections(config, names) {
            if !items.isEmpty { items.append(.blank) }
            items += section
        }
        return header(config) + "\n" + HCL.render(items)
    }

    static func header(_ config: PilotoConfig) -> String {
        let service = config.service
        let out = DeployFacts.outDirectory(config) + "/lb"
        return GeneratedHeader.hashComment(config) + """
            #
            # The global external Application Load Balancer for https://\(service.domain), in front of
            # the Cloud Run service \(service.name) (\(service.region)). The service itself is written by
            # service.yaml; this file only names it. Order: the service, then
            #   terraform -chdir=\(out) init && terraform -chdir=\(out) apply
            # then a DNS A record for \(service.domain) at the ip_address output, then wait until the
            # managed certificate is ACTIVE (15 minutes to 24 hours after DNS resolves).
            # State stays in this folder unless you add a backend (e.g. "gcs"): never commit it.

            """
    }

    /// Top-level blocks, in dependency order (what each needs comes before it).
    static func sections(_ config: PilotoConfig, _ names: LoadBalancerNames) -> [[HCL.Item]] {
        var sections = [settings(config), address(config, names), neg(config, names), backend(config, names)]
        sections += https(config, names)
        if config.edge.httpToHTTPS { sections += redirect(names) }
        sections.append(output(config))
        return sections
    }

    static func settings(_ config: PilotoConfig) -> [HCL.Item] {
        let terraform = HCL.Block("terraform", [], [
            .attribute("required_version", .string(">= 1.5")),
            .block(HCL.Block("required_providers", [], [
                .attribute("google", .object([("source", .string("hashicorp/google")), ("version", .string(">= 6.0"))])),
            ])),
        ])
        var items: [HCL.Item] = [.block(terraform), .blank]
        let project: HCL.Value
        if let configured = config.service.project {
            project = .string(configured)
        } else {
            items += [
                .block(HCL.Block("variable", ["project"], [
                    .attribute("type", .raw("string")),
                    .attribute("description", .string("GCP project of the service (service.project is not set)")),
                ])),
                .blank,
            ]
            project = .raw("var.project")
        }
        items.append(.block(HCL.Block("provider", ["google"], [
            .attribute("project", project),
            .attribute("region", .string(config.service.region)),
        ])))
        return items
    }

    static func address(_ config: PilotoConfig, _ names: LoadBalancerNames) -> [HCL.Item] {
        [
            .comment("The anycast IPv4 address the DNS A record of \(config.service.domain) points at."),
            .block(HCL.Block("resource", ["google_compute_global_address", "lb"], [
                .attribute("name", .string(names.address)),
                .attribute("ip_version", .string("IPV4")),
            ])),
        ]
    }

    static func neg(_ config: PilotoConfig, _ names: LoadBalancerNames) -> [HCL.Item] {
        [
            .comment("The Cloud Run service, by name, in its own region and project (service.yaml owns it)."),
            .block(HCL.Block("resource", ["google_compute_region_network_endpoint_group", "run"], [
                .attribute("name", .string(names.neg)),
                .attribute("region", .string(config.service.region)),
                .attribute("network_endpoint_type", .string("SERVERLESS")),
                .block(HCL.Block("cloud_run", [], [.attribute("service", .string(config.service.name))])),
            ])),
        ]
    }

    /// `protocol = "HTTP"`: HTTP/2 to the backend breaks WebSocket upgrades. A serverless NEG
    /// backend takes no `timeout_sec` (fixed at 60 minutes), health check, balancing mode or
    /// session affinity: setting any of them fails the apply, so none is written.
    static func backend(_ config: PilotoConfig, _ names: LoadBalancerNames) -> [HCL.Item] {
        let edge = config.edge
        var body: [HCL.Item] = [
            .attribute("name", .string(names.backend)),
            .attribute("load_balancing_scheme", .string("EXTERNAL_MANAGED")),
            .attribute("protocol", .string("HTTP")),
            .attribute("enable_cdn", .raw(edge.cdn ? "true" : "false")),
        ]
        if !edge.requestHeaders.isEmpty {
            body += [
                .comment("Set by the load balancer, replacing any value a client sent (edge.request_headers)."),
                .attribute("custom_request_headers", .multilineList(edge.requestHeaders.map { .string($0.name + ":" + $0.value) })),
            ]
        }
        if edge.cdn {
            body += [
                .comment("The server's Cache-Control decides what is cached; /api answers are private, no-store."),
                .block(HCL.Block("cdn_policy", [], [
                    .attribute("cache_mode", .string("USE_ORIGIN_HEADERS")),
                    .attribute("negative_caching", .raw("false")),
                    .attribute("serve_while_stale", .raw("86400")),
                ])),
            ]
        }
        body += [
            .block(HCL.Block("backend", [], [
                .attribute("group", .raw("google_compute_region_network_endpoint_group.run.id")),
            ])),
            .block(HCL.Block("log_config", [], [
                .attribute("enable", .raw("true")),
                .attribute("sample_rate", .raw("1")),
            ])),
        ]
        return [
            .comment("HTTP, never HTTP2 (it breaks WebSockets). Serverless NEGs take no timeout_sec (fixed at"),
            .comment("60 minutes), health check, balancing mode or session affinity."),
            .block(HCL.Block("resource", ["google_compute_backend_service", "run"], body)),
        ]
    }

    /// URL map, managed certificate, HTTPS proxy and the forwarding rule on 443.
    static func https(_ config: PilotoConfig, _ names: LoadBalancerNames) -> [[HCL.Item]] {
        [
            [
                .block(HCL.Block("resource", ["google_compute_url_map", "https"], [
                    .attribute("name", .string(names.urlMap)),
                    .attribute("default_service", .raw("google_compute_backend_service.run.id")),
                ])),
            ],
            [
                .comment("Issued only once DNS for \(config.service.domain) points at the address above."),
                .block(HCL.Block("resource", ["google_compute_managed_ssl_certificate", "cert"], [
                    .attribute("name", .string(names.certificate)),
                    .block(HCL.Block("managed", [], [.attribute("domains", .list([.string(config.service.domain)]))])),
                    .block(HCL.Block("lifecycle", [], [.attribute("create_before_destroy", .raw("true"))])),
                ])),
            ],
            [
                .block(HCL.Block("resource", ["google_compute_target_https_proxy", "https"], [
                    .attribute("name", .string(names.httpsProxy)),
                    .attribute("url_map", .raw("google_compute_url_map.https.id")),
                    .attribute("ssl_certificates", .list([.raw("google_compute_managed_ssl_certificate.cert.id")])),
                ])),
            ],
            forwardingRule("https", name: names.httpsRule, port: "443", target: "google_compute_target_https_proxy.https.id"),
        ]
    }

    /// Port 80 answers every request with a 301 to the same URL on https (edge.http_to_https).
    static func redirect(_ names: LoadBalancerNames) -> [[HCL.Item]] {
        [
            [
                .comment("Port 80: a 301 to the same URL on https (edge.http_to_https)."),
                .block(HCL.Block("resource", ["google_compute_url_map", "redirect"], [
                    .attribute("name", .string(names.redirectMap)),
                    .block(HCL.Block("default_url_redirect", [], [
                        .attribute("https_redirect", .raw("true")),
                        .attribute("redirect_response_code", .string("MOVED_PERMANENTLY_DEFAULT")),
                        .attribute("strip_query", .raw("false")),
                    ])),
                ])),
            ],
            [
                .block(HCL.Block("resource", ["google_compute_target_http_proxy", "redirect"], [
                    .attribute("name", .string(names.httpProxy)),
                    .attribute("url_map", .raw("google_compute_url_map.redirect.id")),
                ])),
            ],
            forwardingRule("http", name: names.httpRule, port: "80", target: "google_compute_target_http_proxy.redirect.id"),
        ]
    }

    /// A global forwarding rule on the shared address; its scheme matches the backend service's.
    static func forwardingRule(_ label: String, name: String, port: String, target: String) -> [HCL.Item] {
        [
            .block(HCL.Block("resource", ["google_compute_global_forwarding_rule", label], [
                .attribute("name", .string(name)),
                .attribute("load_balancing_scheme", .string("EXTERNAL_MANAGED")),
                .attribute("port_range", .string(port)),
                .attribute("target", .raw(target)),
                .attribute("ip_address", .raw("google_compute_global_address.lb.address")),
            ])),
        ]
    }

    static func output(_ config: PilotoConfig) -> [HCL.Item] {
        [
            .block(HCL.Block("output", ["ip_address"], [
                .attribute("description", .string("The DNS A record of \(config.service.domain) points here.")),
                .attribute("value", .raw("google_compute_global_address.lb.address")),
            ])),
        ]
    }
}
