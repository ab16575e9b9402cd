import Foundation
@testable import PilotoConfig
import PilotoGenerators
import Testing

/// `lb/main.tf`: which edge artifacts each mode writes, `terraform fmt -check` on every generated
/// file, and the file read back (HCLReader) against the invariants the issue sets: protocol HTTP,
/// the configured headers, CDN on or off, the redirect, the service referenced by name only.
@Suite struct LoadBalancerTests {
    static let terraform: String? = Tools.find("terraform") ?? (FileManager.default.isExecutableFile(atPath: "/usr/local/bin/terraform") ? "/usr/local/bin/terraform" : nil)

    /// Every golden case whose edge is a load balancer (the repo's config, minimal, overlays, edge-cdn).
    static var loadBalancerCases: [GenFixtures.Case] {
        GenFixtures.cases.filter { (try? GenFixtures.config($0).edge.mode) == .loadBalancer }
    }

    @Test func eachModeWritesItsOwnEdgeArtifact() throws {
        var config = try GenFixtures.config("minimal")
        let edgeFiles = { (config: PilotoConfig) in
            Generators.generateAll(config).map(\.path).filter { $0 == "domain-mapping.yaml" || $0.hasPrefix("lb/") }
        }
        #expect(config.service.region == "southamerica-east1" && config.edge.mode == .loadBalancer)
        #expect(edgeFiles(config) == ["lb/main.tf"])
        config.edge.mode = .domainMapping
        #expect(edgeFiles(config) == ["domain-mapping.yaml"])
        config.edge.mode = .none
        #expect(edgeFiles(config) == [])
        // us-central1 offers domain mappings, so it is the default there.
        #expect(edgeFiles(try GenFixtures.config("full")) == ["domain-mapping.yaml"])
    }

    @Test func theReposOwnConfigGetsALoadBalancerAndNoDomainMapping() throws {
        let config = try GenFixtures.config(folder: GenFixtures.repoRoot, environment: nil)
        let paths = Generators.generateAll(config).map(\.path)
        #expect(paths.contains("lb/main.tf"))
        #expect(!paths.contains("domain-mapping.yaml"))
        let service = try GenFixtures.artifact("service.yaml", in: config)
        #expect(service.contains("run.googleapis.com/ingress: internal-and-cloud-load-balancing"))
    }

    @Test(
        .enabled(if: terraform != nil, "terraform is not installed (expected at /usr/local/bin/terraform); fmt check skipped"),
        arguments: loadBalancerCases)
    func terraformFmtCheckIsClean(_ testCase: GenFixtures.Case) throws {
        let terraform = try #require(Self.terraform)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("piloto-lb-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/main.tf"
        let text = try GenFixtures.artifact("lb/main.tf", in: try GenFixtures.config(testCase))
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Tools.run(terraform, ["fmt", "-check", "-diff", "-no-color", file])
        #expect(result.status == 0, "terraform fmt would change \(testCase.testDescription):\n\(result.stdout)\(result.stderr)")
    }

    @Test(arguments: loadBalancerCases)
    func parsedBackHoldsTheInvariants(_ testCase: GenFixtures.Case) throws {
        let config = try GenFixtures.config(testCase)
        let root = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
        try Self.checkInvariants(root, config)
    }

    /// Header values of every shape (quotes, backslashes, `${`, `%{`, control characters, non-ASCII)
    /// reach Terraform unchanged: the writer escapes, the reader unescapes.
    @Test func headerValuesSurviveHCLQuoting() throws {
        var config = try GenFixtures.config("edge-cdn")
        var rng = RandomizedTests.SeededGenerator(state: 0x7E44)
        for round in 0..<60 {
            config.edge.requestHeaders = (0..<4).map { index in
                let value = RandomizedTests.randomString(&rng) + ["${", "%{", "$${", "%%{", "{client_region}"][index % 5]
                return HeaderField(name: "X-H\(index)", value: value)
            }
            let root = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
            let headers = root.block("resource", "google_compute_backend_service", "run")?["custom_request_headers"]?.list
            #expect(headers?.compactMap(\.string) == config.edge.requestHeaders.map { "\($0.name):\($0.value)" }, "round \(round)")
        }
    }

    @Test func cdnOffHasNoPolicyAndRedirectOffHasNoPort80() throws {
        var config = try GenFixtures.config("edge-cdn")
        config.edge.cdn = false
        config.edge.httpToHTTPS = true
        var root = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
        try Self.checkInvariants(root, config)
        config.edge.cdn = true
        config.edge.httpToHTTPS = false
        root = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
        try Self.checkInvariants(root, config)
        config.edge.requestHeaders = []
        root = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
        #expect(root.block("resource", "google_compute_backend_service", "run")?["custom_request_headers"] == nil)
    }

    /// `service.name` may have 49 characters; every derived Google name must still fit 63.
    @Test func theLongestServiceNameStillGivesValidResourceNames() throws {
        var config = try GenFixtures.config("minimal")
        config.service.name = "a" + String(repeating: "b1-", count: 15) + "bcd"
        #expect(config.service.name.count == 49)
        config.service.project = nil
        try Self.checkInvariants(try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config)), config)
    }

    @Test func aNewDomainIsANewCertificateName() throws {
        var config = try GenFixtures.config("minimal")
        let first = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
        config.service.domain = "other.example.com"
        let second = try HCLReader.parse(try GenFixtures.artifact("lb/main.tf", in: config))
        let name = { (root: HCLReader.Block) in
            root.block("resource", "google_compute_managed_ssl_certificate", "cert")?["name"]?.string
        }
        #expect(name(first) != nil && name(first) != name(second))
        #expect(name(first)?.hasPrefix("tiny-app-cert-") == true)
    }

    @Test func theReadmeGivesTheApplyOrder() throws {
        let config = try GenFixtures.config(folder: GenFixtures.repoRoot, environment: nil)
        let readme = try GenFixtures.artifact("README.md", in: config)
        let steps = ["gcloud builds submit", "terraform -chdir=out/lb apply", "terraform -chdir=out/lb output -raw ip_address",
                     "gcloud compute ssl-certificates describe"]
        let offsets = steps.map { readme.range(of: $0)?.lowerBound }
        #expect(offsets.allSatisfy { $0 != nil }, "\(steps) all in README.md")
        let found = offsets.compactMap { $0 }
        #expect(found == found.sorted(), "service, then load balancer, then DNS, then certificate")
        var other = try GenFixtures.config("full")
        other.edge.mode = .domainMapping
        #expect(!(try GenFixtures.artifact("README.md", in: other)).contains("terraform"))
    }

    /// Switching away from the load balancer removes `lb/main.tf`, never Terraform's state beside it.
    @Test func leavingLoadBalancerModeRemovesOnlyTheTerraformSource() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("piloto-lb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = try GenFixtures.config("minimal")
        let writer = ArtifactWriter(directory: folder)
        _ = try writer.write(Generators.generateAll(config))
        try "{}".write(toFile: folder + "/lb/terraform.tfstate", atomically: true, encoding: .utf8)
        config.edge.mode = .domainMapping
        let artifacts = Generators.generateAll(config)
        #expect(writer.check(artifacts).stale == ["lb/main.tf"])
        let report = try writer.write(artifacts)
        #expect(report.removed == ["lb/main.tf"])
        #expect(FileManager.default.fileExists(atPath: folder + "/lb/terraform.tfstate"))
        #expect(FileManager.default.fileExists(atPath: folder + "/domain-mapping.yaml"))
    }

    // MARK: - invariants

    static func checkInvariants(_ root: HCLReader.Block, _ config: PilotoConfig, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let resources = root.blocks("resource")
        let types = resources.map { $0.labels.first ?? "" }
        // Only references the service: never declares it (service.yaml is its one writer).
        #expect(!types.contains { $0.hasPrefix("google_cloud_run") }, "declares a Cloud Run resource", sourceLocation: sourceLocation)
        #expect(root.blocks("module").isEmpty, sourceLocation: sourceLocation)

        let provider = try #require(root.block("provider", "google"), sourceLocation: sourceLocation)
        #expect(provider["region"] == .string(config.service.region), sourceLocation: sourceLocation)
        #expect(provider["project"] == (config.service.project.map { .string($0) } ?? .reference("var.project")), sourceLocation: sourceLocation)
        let google = root.block("terraform")?.block("required_providers")?["google"]
        #expect(google?.description.contains("source = \"hashicorp/google\"") == true, sourceLocation: sourceLocation)

        let neg = try #require(root.block("resource", "google_compute_region_network_endpoint_group", "run"), sourceLocation: sourceLocation)
        #expect(neg["network_endpoint_type"] == .string("SERVERLESS"), sourceLocation: sourceLocation)
        #expect(neg["region"] == .string(config.service.region), sourceLocation: sourceLocation)
        #expect(neg.block("cloud_run")?["service"] == .string(config.service.name), sourceLocation: sourceLocation)

        let backend = try #require(root.block("resource", "google_compute_backend_service", "run"), sourceLocation: sourceLocation)
        #expect(backend["protocol"] == .string("HTTP"), "never HTTP2: it breaks WebSockets", sourceLocation: sourceLocation)
        #expect(backend["load_balancing_scheme"] == .string("EXTERNAL_MANAGED"), sourceLocation: sourceLocation)
        for forbidden in ["timeout_sec", "health_checks", "session_affinity", "port_name"] {
            #expect(backend[forbidden] == nil, "\(forbidden) fails on a serverless NEG backend", sourceLocation: sourceLocation)
        }
        #expect(backend.block("backend")?["balancing_mode"] == nil, sourceLocation: sourceLocation)
        #expect(backend.block("backend")?["group"] == .reference("google_compute_region_network_endpoint_group.run.id"), sourceLocation: sourceLocation)
        if !config.edge.requestHeaders.isEmpty {
            #expect(
                backend["custom_request_headers"]?.list?.compactMap(\.string) == config.edge.requestHeaders.map { "\($0.name):\($0.value)" },
                sourceLocation: sourceLocation)
        }
        #expect(backend.block("log_config")?["enable"] == .bool(true), sourceLocation: sourceLocation)
        #expect(backend["enable_cdn"] == .bool(config.edge.cdn), sourceLocation: sourceLocation)
        let policy = backend.block("cdn_policy")
        #expect((policy != nil) == config.edge.cdn, sourceLocation: sourceLocation)
        if config.edge.cdn { #expect(policy?["cache_mode"] == .string("USE_ORIGIN_HEADERS"), sourceLocation: sourceLocation) }

        let cert = try #require(root.block("resource", "google_compute_managed_ssl_certificate", "cert"), sourceLocation: sourceLocation)
        #expect(cert.block("managed")?["domains"] == .list([.string(config.service.domain)]), sourceLocation: sourceLocation)
        let proxy = root.block("resource", "google_compute_target_https_proxy", "https")
        #expect(proxy?["ssl_certificates"] == .list([.reference("google_compute_managed_ssl_certificate.cert.id")]), sourceLocation: sourceLocation)
        #expect(root.block("resource", "google_compute_url_map", "https")?["default_service"] == .reference("google_compute_backend_service.run.id"), sourceLocation: sourceLocation)

        let rules = resources.filter { $0.labels.first == "google_compute_global_forwarding_rule" }
        #expect(rules.map { $0["port_range"]?.string } == (config.edge.httpToHTTPS ? ["443", "80"] : ["443"]), sourceLocation: sourceLocation)
        for rule in rules {
            #expect(rule["load_balancing_scheme"] == .string("EXTERNAL_MANAGED"), "one scheme for rules and backend", sourceLocation: sourceLocation)
            #expect(rule["ip_address"] == .reference("google_compute_global_address.lb.address"), sourceLocation: sourceLocation)
        }
        let redirect = root.block("resource", "google_compute_url_map", "redirect")
        #expect((redirect != nil) == config.edge.httpToHTTPS, sourceLocation: sourceLocation)
        #expect((root.block("resource", "google_compute_target_http_proxy", "redirect") != nil) == config.edge.httpToHTTPS, sourceLocation: sourceLocation)
        if let redirect {
            #expect(redirect.block("default_url_redirect")?["https_redirect"] == .bool(true), sourceLocation: sourceLocation)
        }
        #expect(root.block("output", "ip_address")?["value"] == .reference("google_compute_global_address.lb.address"), sourceLocation: sourceLocation)

        // Google names: 1-63 characters, RFC 1035, unique; every reference points at a declared resource.
        let names = resources.compactMap { $0["name"]?.string }
        #expect(names.count == resources.count && Set(names).count == names.count, sourceLocation: sourceLocation)
        for name in names {
            let valid = name.count <= 63 && name.first?.isLetter == true && name.last != "-"
                && name.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
            #expect(valid, "resource name \(name)", sourceLocation: sourceLocation)
        }
        let declared = Set(resources.map { $0.labels.joined(separator: ".") })
        for reference in references(in: root) where !reference.hasPrefix("var.") {
            let parts = reference.split(separator: ".")
            #expect(parts.count == 3 && declared.contains(parts.prefix(2).joined(separator: ".")), "dangling \(reference)", sourceLocation: sourceLocation)
        }
    }

    static func references(in block: HCLReader.Block) -> [String] {
        func walk(_ value: HCLReader.Value) -> [String] {
            switch value {
            case .reference(let r): [r]
            case .list(let items): items.flatMap(walk)
            case .object(let pairs): pairs.flatMap { walk($0.value) }
            default: []
            }
        }
        return block.attributes.flatMap { $0.key == "type" ? [] : walk($0.value) } + block.blocks.flatMap(references)
    }
}
