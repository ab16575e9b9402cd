import PilotoConfig

/// The generators' one entry point: config in, every artifact out, sorted by path.
package enum Generators {
    /// Every artifact for `config`, sorted by path (byte order), so callers and the writer see one
    /// fixed order whatever order the generators run in.
    package static func generateAll(_ config: PilotoConfig) -> [Artifact] {
        var artifacts = [
            DockerfileGenerator.generate(config),
            DockerignoreGenerator.generate(config),
            ServiceGenerator.generate(config),
            CloudBuildGenerator.generate(config),
            DeployReadmeGenerator.generate(config),
        ]
        artifacts += AlertPolicyGenerator.generate(config)
        // The edge: a domain mapping, a load balancer (`lb/main.tf`) or neither (`edge.mode: none`).
        if config.edge.mode == .domainMapping { artifacts.append(DomainMappingGenerator.generate(config)) }
        if let loadBalancer = LoadBalancerGenerator.generate(config) { artifacts.append(loadBalancer) }
        return artifacts.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    /// Files in the output folder that generate never owns and must not report as stale:
    /// `piloto.schema.json`, written by `piloto schema` into the base `out/`.
    package static let foreignFiles = ["piloto.schema.json"]
}
