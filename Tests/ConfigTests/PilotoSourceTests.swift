import Foundation
import PilotoConfig
import Testing

/// `build.piloto`: the forms validate accepts, the branch warning, the Package.swift check.
struct PilotoSourceTests {
    private func yaml(_ piloto: String) -> String {
        """
        service:
          name: app
          domain: app.example.com
          image: europe-west1-docker.pkg.dev/p/r/app:v1
        build:
          piloto:
        \(piloto)
        routes:
          - path: /health
            handler: health
        """
    }

    private func load(_ piloto: String, base: String = "/srv/app") throws -> LoadedConfig {
        try ConfigLoader.load(yaml: yaml(piloto), sourceName: "p.yaml", baseDirectory: base, environment: nil, variables: [:])
    }

    @Test func tagAndFullCommit_loadWithoutAPilotoWarning() throws {
        for ref in ["v1.0.0", "1.2", "v2.0.0-rc.1", "refs/tags/v3", String(repeating: "a1", count: 20)] {
            let loaded = try load("    git: https://github.com/example/piloto.git\n    ref: \(ref)")
            #expect(!loaded.renderedWarnings.contains("ref '"), "\(ref)")
            #expect(loaded.config.build.pilotoOrigin == .clone(url: "https://github.com/example/piloto.git", ref: ref))
        }
    }

    @Test func branchRef_isAWarningAtTheRef() throws {
        let loaded = try load("    git: https://github.com/example/piloto.git\n    ref: main")
        #expect(loaded.renderedWarnings.contains(
            "p.yaml:8:10: warning: ref 'main' looks like a branch: every build may get different piloto sources"))
    }

    @Test func path_needsAPilotoPackageSwift() throws {
        let base = NSTemporaryDirectory() + "piloto-source-\(getpid())"
        try FileManager.default.createDirectory(atPath: base + "/vendor/piloto", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(throws: ConfigError.self) { try load("    path: vendor/piloto", base: base) }
        try "let package = Package(\n    name: \"other\")\n".write(
            toFile: base + "/vendor/piloto/Package.swift", atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try load("    path: vendor/piloto", base: base) }
        try "let package = Package(\n    name: \"piloto\",\n)\n".write(
            toFile: base + "/vendor/piloto/Package.swift", atomically: true, encoding: .utf8)
        let loaded = try load("    path: vendor/piloto", base: base)
        #expect(loaded.config.build.pilotoOrigin == .context("vendor/piloto"))
    }

    /// In the image the config's folder holds no piloto sources: `serve` must still start.
    @Test func servePurpose_skipsThePackageSwiftCheck() throws {
        #expect(throws: ConfigError.self) { try load("    path: .") }
        let served = try ConfigLoader.load(
            yaml: yaml("    path: ."), sourceName: "p.yaml", baseDirectory: "/srv/app", purpose: .serve)
        #expect(served.config.build.pilotoOrigin == .context("."))
    }

    @Test func absent_isTheBuildContext() throws {
        let loaded = try ConfigLoader.load(
            yaml: "service:\n  name: app\n  domain: app.example.com\n  image: europe-west1-docker.pkg.dev/p/r/app:v1\nroutes:\n  - path: /health\n    handler: health\n",
            sourceName: "p.yaml", baseDirectory: "/srv/app", environment: nil, variables: [:])
        #expect(loaded.config.build.piloto == nil)
        #expect(loaded.config.build.pilotoOrigin == .context("."))
    }
}
