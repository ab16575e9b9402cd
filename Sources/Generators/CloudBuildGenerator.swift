import PilotoConfig

/// `cloudbuild.yaml`: the pipeline from a commit to a running revision, for Cloud Build.
///
/// Steps, each waiting for the one before: build piloto (the Dockerfile's `build` stage, reused by
/// the image build from the layer cache), `piloto generate --check` (committed artifacts that drift
/// from piloto.yaml fail the build before anything is pushed), build the image with the generated
/// Dockerfile, push it tagged `$SHORT_SHA`, `gcloud run services replace` the generated
/// service.yaml with that tag, then create or update every alert policy by display name.
///
/// Only keys of the Cloud Build config schema are written (steps: id, name, entrypoint, args, env,
/// waitFor; images; options; timeout); `$SHORT_SHA`/`$PROJECT_ID` are Cloud Build substitutions,
/// and shell variables are written `$$name` so Cloud Build leaves them to bash.
package enum CloudBuildGenerator {
    static let docker = "gcr.io/cloud-builders/docker"
    /// The gcloud builder (includes the alpha component `monitoring policies` needs).
    static let gcloud = "gcr.io/cloud-builders/gcloud"
    /// The build stage's image, used as the check step's builder.
    static let pilotoBuilder = "piloto-build"

    package static func generate(_ config: PilotoConfig) -> Artifact {
        let out = DeployFacts.outDirectory(config)
        let image = DeployFacts.imageRepository(config.service.image) + ":$SHORT_SHA"
        let buildKit = YAMLValue.list([.string("DOCKER_BUILDKIT=1")])
        var steps: [YAMLValue] = [
            step("piloto", docker, args: ["build", "--target", "build", "-t", pilotoBuilder, "-f", "\(out)/Dockerfile", "."],
                 env: buildKit, waitFor: ["-"]),
            step("check", pilotoBuilder, entrypoint: "/staging" + PilotoConfig.binaryPathInImage,
                 args: DeployFacts.checkArguments(config), waitFor: ["piloto"]),
            step("image", docker, args: ["build", "-t", image, "-f", "\(out)/Dockerfile", "."], env: buildKit,
                 waitFor: ["check"]),
            step("push", docker, args: ["push", image], waitFor: ["image"]),
            step("deploy", gcloud, entrypoint: "bash", args: ["-c", deployScript(config, image: image)], waitFor: ["push"]),
        ]
        let alerts = DeployFacts.alertPolicies(config)
        if !alerts.isEmpty {
            steps.append(step("alerts", gcloud, entrypoint: "bash", args: ["-c", alertScript(config)], waitFor: ["deploy"]))
        }
        let document: YAMLValue = .map([
            YAMLEntry("steps", .list(steps)),
            YAMLEntry("images", .list([.string(image)]), comment: ["Recorded in the build's results (pushed by the push step)."]),
            YAMLEntry("options", .map([YAMLEntry("logging", .string("CLOUD_LOGGING_ONLY"))])),
            YAMLEntry("timeout", .string("3600s"), comment: ["A cold release build of piloto takes several minutes."]),
        ])
        var text = GeneratedHeader.hashComment(config)
        text += "# Run by a trigger on every commit, or by hand from the repository root:\n"
        text += "#   gcloud builds submit --config \(out)/cloudbuild.yaml --substitutions=SHORT_SHA=$(git rev-parse --short HEAD) .\n"
        text += YAMLEmitter.emit(document)
        return Artifact(path: "cloudbuild.yaml", contents: text)
    }

    static func step(
        _ id: String, _ name: String, entrypoint: String? = nil, args: [String], env: YAMLValue? = nil, waitFor: [String]
    ) -> YAMLValue {
        var entries = [YAMLEntry("id", .string(id)), YAMLEntry("name", .string(name))]
        if let entrypoint { entries.append(YAMLEntry("entrypoint", .string(entrypoint))) }
        entries.append(YAMLEntry("args", .list(args.map { .string($0) })))
        if let env { entries.append(YAMLEntry("env", env)) }
        entries.append(YAMLEntry("waitFor", .list(waitFor.map { .string($0) })))
        return .map(entries)
    }

    /// Rewrites the generated service.yaml's image to the pushed tag (and fails if the line is not
    /// there), then replaces the service. The committed file keeps the config's own tag.
    static func deployScript(_ config: PilotoConfig, image: String) -> String {
        let out = DeployFacts.outDirectory(config)
        let current = "image: " + YAMLEmitter.quoteIfNeeded(config.service.image)
        return [
            "set -euo pipefail",
            "sed 's#\(sedPattern(current))$$#image: \(image)#' \(out)/service.yaml > /workspace/service.deploy.yaml",
            "grep -q 'image: \(image)$$' /workspace/service.deploy.yaml",
            "gcloud run services replace /workspace/service.deploy.yaml --region=\(config.service.region) --project=\(DeployFacts.project(config))",
        ].joined(separator: " && ")
    }

    /// One `upsert 'display name' file` per policy: update the policy with that display name, or
    /// create it, so re-running the pipeline never duplicates alerts.
    static func alertScript(_ config: PilotoConfig) -> String {
        let out = DeployFacts.outDirectory(config)
        let project = DeployFacts.project(config)
        let upsert = "upsert() { name=$$(gcloud alpha monitoring policies list --project=\(project) "
            + "--filter=\"displayName=\\\"$$1\\\"\" --format='value(name)' --limit=1); "
            + "if [ -n \"$$name\" ]; then gcloud alpha monitoring policies update \"$$name\" --policy-from-file=\"$$2\" --project=\(project); "
            + "else gcloud alpha monitoring policies create --policy-from-file=\"$$2\" --project=\(project); fi; }"
        let calls = DeployFacts.alertPolicies(config).map { policy in
            "upsert \(DockerfileGenerator.shellQuoted(policy.displayName)) \(out)/\(policy.file)"
        }
        return (["set -euo pipefail", upsert] + calls).joined(separator: "; ")
    }

    /// `text` as a literal in a `sed` basic regular expression delimited by `#`.
    static func sedPattern(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "'" { out += "'\\''"; continue }
            if ".[]*^$\\#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
