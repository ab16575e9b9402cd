import Foundation
import PilotoConfig
import PilotoGenerators
import Testing

/// Fixture configs for generator tests, loaded through the real `ConfigLoader` (so goldens prove
/// what `piloto generate` would write), found relative to this file (no bundle resources).
enum GenFixtures {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let directory = here.appendingPathComponent("Fixtures").path
    static let repoRoot = here.deletingLastPathComponent().deletingLastPathComponent().path

    /// One golden case: a fixture folder, an optional overlay, and where its expected files live.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var environment: String?
        /// Folder holding `piloto.yaml`.
        var folder: String
        /// Folder holding the expected artifacts.
        var expected: String
        var testDescription: String { name + (environment.map { " --env \($0)" } ?? "") }
    }

    static let cases: [Case] = [
        fixture("minimal"),
        fixture("full"),
        fixture("overlays-redis"),
        fixture("overlays-redis", environment: "staging"),
        fixture("overlays-redis", environment: "prod"),
        fixture("edge-cdn"),
        fixture("backend-run"),  // a run: backend built into the image (issue 12)
        fixture("backend-sidecar"),  // image: backends as Cloud Run sidecars, with Redis
        // The repo's own config and its committed out/ (the same bytes CI checks with --check).
        Case(name: "repo", environment: nil, folder: repoRoot, expected: repoRoot + "/out"),
        Case(name: "repo", environment: "staging", folder: repoRoot, expected: repoRoot + "/out/staging"),
    ]

    static func fixture(_ name: String, environment: String? = nil) -> Case {
        let folder = directory + "/" + name
        let expected = folder + "/expected" + (environment.map { "-\($0)" } ?? "")
        return Case(name: name, environment: environment, folder: folder, expected: expected)
    }

    /// Loads `<folder>/piloto.yaml` with no process variables (so `${VAR:-default}` defaults apply
    /// on every machine) and the source name `piloto.yaml`, exactly as the CLI run from that folder.
    static func config(_ testCase: Case) throws -> PilotoConfig {
        try config(folder: testCase.folder, environment: testCase.environment)
    }

    static func config(_ name: String, environment: String? = nil) throws -> PilotoConfig {
        try config(folder: directory + "/" + name, environment: environment)
    }

    static func config(folder: String, environment: String?) throws -> PilotoConfig {
        let text = try String(contentsOfFile: folder + "/piloto.yaml", encoding: .utf8)
        do {
            return try ConfigLoader.load(
                yaml: text, sourceName: "piloto.yaml", baseDirectory: folder, environment: environment, variables: [:]
            ).config
        } catch {
            Issue.record("fixture \(folder) does not load:\n\(error.rendered)")
            throw error
        }
    }

    /// The artifact at `path`, or a recorded failure.
    static func artifact(_ path: String, in config: PilotoConfig) throws -> String {
        let artifacts = Generators.generateAll(config)
        return try #require(artifacts.first { $0.path == path }, "no artifact \(path)").contents
    }
}
