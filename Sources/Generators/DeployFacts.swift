import PilotoConfig

/// Facts the pipeline (`cloudbuild.yaml`) and the deploy notes (`README.md`) both need, derived
/// once from the config so the two can never disagree.
package enum DeployFacts {
    /// The output folder as the pipeline sees it from the repository root (`out`, `out/staging`).
    /// Assumes the default `--out`: the pipeline runs `piloto generate --check` with it.
    static func outDirectory(_ config: PilotoConfig) -> String {
        "out" + (config.environment.map { "/\($0)" } ?? "")
    }

    /// `service.image` without its tag or digest: the pipeline tags what it builds itself.
    package static func imageRepository(_ image: String) -> String {
        var text = Substring(image)
        if let at = text.firstIndex(of: "@") { text = text[..<at] }
        let slash = text.lastIndex(of: "/") ?? text.startIndex
        if let colon = text[slash...].lastIndex(of: ":") { text = text[..<colon] }
        return String(text)
    }

    /// `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/…`, split; nil for any other registry.
    package struct ArtifactRegistry: Equatable {
        package var location: String
        package var project: String
        package var repository: String
    }

    package static func artifactRegistry(_ image: String) -> ArtifactRegistry? {
        let parts = imageRepository(image).split(separator: "/").map(String.init)
        let suffix = "-docker.pkg.dev"
        guard parts.count >= 4, parts[0].hasSuffix(suffix), parts[0].count > suffix.count else { return nil }
        return ArtifactRegistry(location: String(parts[0].dropLast(suffix.count)), project: parts[1], repository: parts[2])
    }

    /// The project for gcloud: `service.project`, else Cloud Build's own (`$PROJECT_ID`).
    static func project(_ config: PilotoConfig) -> String {
        config.service.project ?? "$PROJECT_ID"
    }

    /// `piloto generate --check` for this config and environment.
    static func checkArguments(_ config: PilotoConfig) -> [String] {
        var arguments = ["generate", "--config", GeneratedHeader.sourceName(config), "--check"]
        if let environment = config.environment { arguments += ["--env", environment] }
        return arguments
    }

    /// Alert policies as (display name, file under the output folder), in generation order.
    static func alertPolicies(_ config: PilotoConfig) -> [(displayName: String, file: String)] {
        AlertPolicyGenerator.specs(config).map { ("\(config.service.name): \($0.title)", "alerts/\($0.file).json") }
    }
}
