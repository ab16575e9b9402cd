@testable import PilotoConfig
import PilotoGenerators
import Testing

/// The facts service.yaml must get right, each pinned on its own so a golden re-record can't hide a
/// regression: secret key = version, timeout from request_timeout, probes on the health route.
@Suite struct ServiceFactsTests {
    /// The `containers[0]` mapping of the generated service, parsed back with the loader's parser.
    static func container(_ config: PilotoConfig) throws -> YAMLMapping {
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config))
        let spec = try ParsedYAML.path(root, "spec", "template", "spec")
        guard case .sequence(let containers)? = spec["containers"], containers.items.count == 1,
            case .mapping(let container) = containers.items[0]
        else {
            Issue.record("expected exactly one container")
            throw ParsedYAML.Failure.shape("containers")
        }
        return container
    }

    @Test func secretKeyIsTheVersionNotAField() throws {
        let config = try GenFixtures.config("full")
        let container = try Self.container(config)
        guard case .sequence(let env)? = container["env"] else { Issue.record("no env"); return }
        var refs: [(String?, String?, String?)] = []
        for case .mapping(let item) in env.items {
            guard case .mapping(let from)? = item["valueFrom"] else { continue }
            let ref = try ParsedYAML.path(from, "secretKeyRef")
            refs.append((ParsedYAML.text(item["name"]), ParsedYAML.text(ref["name"]), ParsedYAML.text(ref["key"])))
        }
        let expected = config.secrets.map { ($0.envName, $0.secret, $0.version) }
        #expect(refs.map(\.0) == expected.map { Optional($0.0) })
        #expect(refs.map(\.1) == expected.map { Optional($0.1) })
        #expect(refs.map(\.2) == expected.map { Optional($0.2) })
        #expect(refs.map(\.2) == ["latest", "3"])
        #expect(!refs.contains { $0.2 == "url" })
    }

    @Test func plainEnvComesFirstInModelOrderThenSecrets() throws {
        let config = try GenFixtures.config("full")
        guard case .sequence(let env)? = try Self.container(config)["env"] else { Issue.record("no env"); return }
        let names = env.items.compactMap { item -> String? in
            guard case .mapping(let map) = item else { return nil }
            return ParsedYAML.text(map["name"])
        }
        #expect(names == config.env.map(\.name) + config.secrets.map(\.envName))
        // Values survive quoting exactly, including the ones YAML would otherwise retype.
        let values = env.items.compactMap { item -> String? in
            guard case .mapping(let map) = item, map["value"] != nil else { return nil }
            return ParsedYAML.text(map["value"])
        }
        #expect(values == config.env.map(\.value))
    }

    @Test(arguments: [(1500, 2), (60_000, 60), (3_600_000, 3600), (300_000, 300)])
    func timeoutSecondsIsRequestTimeoutRoundedUp(milliseconds: Int64, seconds: Int) throws {
        var config = try GenFixtures.config("minimal")
        config.scaling.requestTimeout = TimeSpan(milliseconds: milliseconds)
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config))
        let spec = try ParsedYAML.path(root, "spec", "template", "spec")
        #expect(ParsedYAML.text(spec["timeoutSeconds"]) == String(seconds))
        #expect(ParsedYAML.text(spec["containerConcurrency"]) == String(config.scaling.concurrency))
    }

    @Test(arguments: ["minimal", "full", "overlays-redis"])
    func probesUseTheHealthRouteAndPort(fixture: String) throws {
        let config = try GenFixtures.config(fixture)
        let health = try #require(config.healthPath)
        #expect(config.routes.contains { $0.path == health && $0.handler == .health })
        let container = try Self.container(config)
        for probe in ["startupProbe", "livenessProbe"] {
            let get = try ParsedYAML.path(container, probe, "httpGet")
            #expect(ParsedYAML.text(get["path"]) == health, "\(probe) path")
            #expect(ParsedYAML.text(get["port"]) == String(config.server.port), "\(probe) port")
        }
        guard case .sequence(let ports)? = container["ports"], case .mapping(let port)? = ports.items.first else {
            Issue.record("no ports"); return
        }
        #expect(ParsedYAML.text(port["name"]) == "http1")
        #expect(ParsedYAML.text(port["containerPort"]) == String(config.server.port))
    }

    @Test func noHealthRouteMeansNoProbes() throws {
        var config = try GenFixtures.config("minimal")
        config.routes.removeAll { $0.handler == .health }
        let container = try Self.container(config)
        #expect(container["startupProbe"] == nil)
        #expect(container["livenessProbe"] == nil)
    }

    @Test func scalingAnnotationsAreQuotedStrings() throws {
        let config = try GenFixtures.config("full")
        let text = try GenFixtures.artifact("service.yaml", in: config)
        #expect(text.contains("autoscaling.knative.dev/minScale: \"1\"\n"))
        #expect(text.contains("autoscaling.knative.dev/maxScale: \"20\"\n"))
        #expect(text.contains("run.googleapis.com/cpu-throttling: \"false\"\n"))
        #expect(text.contains("cpu: \"2\"\n"))
        let root = try ParsedYAML.mapping(text)
        let meta = try ParsedYAML.path(root, "metadata")
        #expect(ParsedYAML.text(try ParsedYAML.path(meta, "labels")["cloud.googleapis.com/location"]) == "us-central1")
        #expect(ParsedYAML.text(try ParsedYAML.path(meta, "annotations")["run.googleapis.com/ingress"])
            == "internal-and-cloud-load-balancing")
    }

    @Test func redisUsesDirectVPCEgressFromTheNetworkSection() throws {
        let config = try GenFixtures.config("overlays-redis", environment: "prod")
        #expect(config.sessions.store == .redis)
        let annotations = try Self.templateAnnotations(config)
        #expect(ParsedYAML.text(annotations["run.googleapis.com/network-interfaces"])
            == #"[{"network":"prod-vpc","subnetwork":"prod-subnet-sa"}]"#)
        #expect(ParsedYAML.text(annotations["run.googleapis.com/vpc-access-egress"]) == "private-ranges-only")
        #expect(annotations["run.googleapis.com/vpc-access-connector"] == nil)
    }

    @Test func redisWithoutNetworkAssumesTheDefaultNetwork() throws {
        var config = try GenFixtures.config("overlays-redis", environment: "prod")
        config.network = nil
        let annotations = try Self.templateAnnotations(config)
        #expect(ParsedYAML.text(annotations["run.googleapis.com/network-interfaces"])
            == #"[{"network":"default","subnetwork":"default"}]"#)
        #expect(ParsedYAML.text(annotations["run.googleapis.com/vpc-access-egress"]) == "private-ranges-only")
        #expect(annotations["run.googleapis.com/vpc-access-connector"] == nil)
    }

    @Test func connectorWinsOverDirectEgress() throws {
        var config = try GenFixtures.config("overlays-redis", environment: "prod")
        config.network = NetworkConfig(vpc: nil, subnet: nil, connector: "redis-connector", egress: .allTraffic)
        let annotations = try Self.templateAnnotations(config)
        #expect(ParsedYAML.text(annotations["run.googleapis.com/vpc-access-connector"]) == "redis-connector")
        #expect(ParsedYAML.text(annotations["run.googleapis.com/vpc-access-egress"]) == "all-traffic")
        #expect(annotations["run.googleapis.com/network-interfaces"] == nil)
    }

    @Test func memoryStoreWithoutNetworkHasNoVPCAnnotations() throws {
        let config = try GenFixtures.config("overlays-redis")
        let annotations = try Self.templateAnnotations(config)
        #expect(!annotations.pairs.contains { $0.key.text.contains("vpc") || $0.key.text.contains("network") })
    }

    static func templateAnnotations(_ config: PilotoConfig) throws -> YAMLMapping {
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config))
        return try ParsedYAML.path(root, "spec", "template", "metadata", "annotations")
    }
}
