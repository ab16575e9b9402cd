import Foundation
import PilotoConfig
@testable import PilotoGenerators
import Testing

/// `cloudbuild.yaml` read back and checked against the Cloud Build config schema
/// (cloud.google.com/build/docs/build-config-file-schema): only known keys, each with its type.
struct CloudBuildTests {
    /// The top-level keys of a build config and the step keys, as the schema lists them.
    static let topLevel: Set<String> = [
        "steps", "timeout", "queueTtl", "logsBucket", "options", "substitutions", "tags", "serviceAccount",
        "secrets", "availableSecrets", "artifacts", "images",
    ]
    static let stepKeys: Set<String> = [
        "name", "args", "env", "dir", "id", "waitFor", "entrypoint", "secretEnv", "volumes", "timeout", "script",
        "automapSubstitutions", "allowFailure", "allowExitCodes",
    ]
    static let optionKeys: Set<String> = [
        "env", "secretEnv", "volumes", "sourceProvenanceHash", "machineType", "diskSizeGb", "substitutionOption",
        "dynamicSubstitutions", "automapSubstitutions", "logStreamingOption", "logging", "defaultLogsBucketBehavior",
        "pool", "requestedVerifyOption",
    ]

    private func strings(_ node: YAMLNode?, _ what: String) -> [String] {
        guard case .sequence(let list)? = node else {
            Issue.record("\(what) is not a list")
            return []
        }
        return list.items.compactMap { item in
            guard case .scalar(let scalar) = item else {
                Issue.record("\(what) holds a non-string")
                return nil
            }
            return scalar.text
        }
    }

    @Test(arguments: ["minimal", "full", "overlays-redis"])
    func parsesBack_onlyKnownKeys_rightTypes(fixture: String) throws {
        let config = try GenFixtures.config(fixture)
        let map = try ParsedYAML.mapping(try GenFixtures.artifact("cloudbuild.yaml", in: config))
        for pair in map.pairs { #expect(Self.topLevel.contains(pair.key.text), "unknown top-level key \(pair.key.text)") }
        guard case .sequence(let steps)? = map["steps"] else { throw ParsedYAML.Failure.shape("steps") }
        var ids: [String] = []
        for item in steps.items {
            guard case .mapping(let step) = item else { throw ParsedYAML.Failure.shape("step") }
            for pair in step.pairs { #expect(Self.stepKeys.contains(pair.key.text), "unknown step key \(pair.key.text)") }
            #expect(ParsedYAML.text(step["name"])?.isEmpty == false)
            for key in ["id", "entrypoint"] where step[key] != nil { #expect(ParsedYAML.text(step[key]) != nil, "\(key)") }
            _ = strings(step["args"], "args")
            if step["env"] != nil {
                #expect(strings(step["env"], "env").allSatisfy { $0.contains("=") })
            }
            // waitFor names only earlier steps (or "-": start at once).
            for dependency in strings(step["waitFor"], "waitFor") {
                #expect(dependency == "-" || ids.contains(dependency), "waitFor \(dependency)")
            }
            if let id = ParsedYAML.text(step["id"]) { ids.append(id) }
        }
        #expect(Array(ids.prefix(2)) == ["piloto", "check"])
        let options = try ParsedYAML.path(map, "options")
        for pair in options.pairs { #expect(Self.optionKeys.contains(pair.key.text)) }
        // Durations are strings in seconds, like "3600s".
        let timeout = try #require(ParsedYAML.text(map["timeout"]))
        #expect(timeout.hasSuffix("s") && Int(timeout.dropLast()) != nil)
        #expect(strings(map["images"], "images").allSatisfy { $0.hasSuffix(":$SHORT_SHA") })
    }

    @Test func checkStep_runsGenerateCheck_forTheEnvironment() throws {
        let config = try GenFixtures.config("overlays-redis", environment: "staging")
        let text = try GenFixtures.artifact("cloudbuild.yaml", in: config)
        let map = try ParsedYAML.mapping(text)
        guard case .sequence(let steps)? = map["steps"], case .mapping(let check) = steps.items[1] else {
            throw ParsedYAML.Failure.shape("steps")
        }
        #expect(strings(check["args"], "args") == ["generate", "--config", "piloto.yaml", "--check", "--env", "staging"])
        #expect(text.contains("\n      - out/staging/Dockerfile\n"))
        #expect(text.contains("gcloud run services replace /workspace/service.deploy.yaml --region=southamerica-east1"))
    }

    @Test func imageRepository_dropsTagAndDigest() {
        #expect(DeployFacts.imageRepository("r-docker.pkg.dev/p/r/app:1.0") == "r-docker.pkg.dev/p/r/app")
        #expect(DeployFacts.imageRepository("localhost:5000/app") == "localhost:5000/app")
        #expect(DeployFacts.imageRepository("r-docker.pkg.dev/p/r/app@sha256:abc") == "r-docker.pkg.dev/p/r/app")
        #expect(DeployFacts.artifactRegistry("europe-west1-docker.pkg.dev/proj/repo/app:2")
            == DeployFacts.ArtifactRegistry(location: "europe-west1", project: "proj", repository: "repo"))
        #expect(DeployFacts.artifactRegistry("docker.io/library/app:2") == nil)
    }

    /// The deploy step's sed pattern must match the image line service.yaml really has.
    @Test func deployStep_rewritesTheImageLineServiceYamlHas() throws {
        for fixture in ["minimal", "full", "overlays-redis"] {
            let config = try GenFixtures.config(fixture)
            let service = try GenFixtures.artifact("service.yaml", in: config)
            let line = "image: " + YAMLEmitter.quoteIfNeeded(config.service.image)
            #expect(service.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasSuffix(line) })
        }
    }

    /// Every alert the pipeline upserts exists with that display name in its JSON.
    @Test func alertSteps_nameTheGeneratedPolicies() throws {
        let config = try GenFixtures.config("full")
        let pipeline = try GenFixtures.artifact("cloudbuild.yaml", in: config)
        for artifact in Generators.generateAll(config) where artifact.path.hasPrefix("alerts/") {
            #expect(pipeline.contains("out/\(artifact.path)"))
            let name = try #require(artifact.contents.split(separator: "\n").first { $0.contains("\"displayName\"") })
            let value = name.split(separator: "\"")[3]
            #expect(pipeline.contains("upsert '\(value)' out/\(artifact.path)"))
        }
    }

    /// PyYAML, a second parser, reads the same steps (and keeps `$$` for Cloud Build to unescape).
    @Test(.enabled(if: Tools.find("python3") != nil))
    func pyyamlReadsThePipeline() throws {
        let python = try #require(Tools.find("python3"))
        let text = try GenFixtures.artifact("cloudbuild.yaml", in: try GenFixtures.config("full"))
        let script = "import sys, yaml; d = yaml.safe_load(sys.stdin); print(' '.join(s['id'] for s in d['steps']))"
        let result = try Tools.run(python, ["-c", script], stdin: text)
        if result.stderr.contains("No module named 'yaml'") { return }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "piloto check image push deploy alerts\n")
    }
}
