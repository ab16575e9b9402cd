import Foundation
@testable import PilotoConfig
import Testing

struct OverlayInterpolationTests {
    static let base = """
        service:
          name: app
          domain: app.example.com
          image: us-docker.pkg.dev/p/r/app:${TAG:-dev}
          project: ${PROJECT}
        routes:
          - path: /health
            handler: health
        env:
          GREETING: "$${NOT_A_VAR} and ${NAME:-world}"
          COUNT: 3
          FLAG: yes
        environments:
          staging:
            service:
              domain: staging.example.com
            scaling:
              max_instances: ${STAGING_MAX}
            routes:
              - path: /healthz
                handler: health
            env:
              EXTRA: "1"

        """

    func load(_ env: String? = nil, _ vars: [String: String]) throws(ConfigError) -> PilotoConfig {
        try ConfigLoader.load(yaml: Self.base, sourceName: "p.yaml", baseDirectory: "/x", environment: env, variables: vars)
            .config
    }

    @Test func interpolation_defaults_escapes_andTextValues() throws {
        let config = try load(nil, ["PROJECT": "acme-prod"])
        #expect(config.service.image == "us-docker.pkg.dev/p/r/app:dev")
        #expect(config.service.project == "acme-prod")
        #expect(config.env == [
            EnvVar(name: "COUNT", value: "3"), EnvVar(name: "FLAG", value: "yes"),
            EnvVar(name: "GREETING", value: "${NOT_A_VAR} and world"),
        ])
        #expect(config.environmentNames == ["staging"])
        #expect(config.environment == nil)
    }

    /// The unselected overlay's `${STAGING_MAX}` is not needed for the base.
    @Test func missingVariable_isErrorAtScalar_namingKey() {
        #expect(throws: ConfigError.self) { try load(nil, [:]) }
        do {
            _ = try load(nil, [:])
        } catch {
            #expect(error.errors.map(\.header) == [
                "p.yaml:5:12: error: environment variable 'PROJECT' is not set (write ${PROJECT:-default} for a default) (in 'service.project')"
            ])
        }
    }

    @Test func overlay_mergesMappings_replacesLists_andInterpolates() throws {
        let config = try load("staging", ["PROJECT": "acme-prod", "STAGING_MAX": "1", "TAG": "1.2.3"])
        #expect(config.environment == "staging")
        #expect(config.service.domain == "staging.example.com")
        #expect(config.service.name == "app")
        #expect(config.service.image == "us-docker.pkg.dev/p/r/app:1.2.3")
        #expect(config.scaling.maxInstances == 1)
        #expect(config.routes.map(\.path) == ["/healthz"])
        #expect(config.env.map(\.name) == ["COUNT", "EXTRA", "FLAG", "GREETING"])
    }

    @Test func selectedOverlay_missingVariable_pointsIntoOverlay() {
        do {
            _ = try load("staging", ["PROJECT": "acme-prod"])
            Issue.record("loaded")
        } catch {
            #expect(error.errors.map { "\($0.line):\($0.column)" } == ["18:22"])
            #expect(error.errors.first?.message.contains("'STAGING_MAX'") == true)
            #expect(error.errors.first?.message.contains("environments.staging.scaling.max_instances") == true)
        }
    }

    @Test func unknownEnvironment_listsKnownOnes() {
        do {
            _ = try load("stagin", ["PROJECT": "acme-prod"])
            Issue.record("loaded")
        } catch {
            #expect(error.errors.map(\.message) == ["unknown environment 'stagin'; known: staging; did you mean 'staging'?"])
        }
    }

    @Test func loadPath_keepsSourceNameAsGiven_andResolvesRelativePaths() throws {
        let dir = "/tmp/piloto-config-test-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let yaml = Self.base.replacingOccurrences(of: "  project: ${PROJECT}\n", with: "")
            + "sessions:\n  users_file: ../users.txt\n"
        try yaml.write(toFile: dir + "/sub/piloto.yaml", atomically: true, encoding: .utf8)
        let loaded = try ConfigLoader.load(path: dir + "/sub/piloto.yaml", variables: [:])
        #expect(loaded.config.sourceName == dir + "/sub/piloto.yaml")
        #expect(loaded.config.sessions.usersFile == ConfigPath(asWritten: "../users.txt", resolved: dir + "/users.txt"))
    }
}

struct OverlaySelectionTests {
    static let yaml = """
        service:
          name: app
          domain: app.example.com
          image: us-docker.pkg.dev/p/r/app:1
        routes:
          - path: /health
            handler: health
        environments:
          empty:
          staging:
            scaling:
              max_instace: 1

        """

    /// Selected or not, an unknown overlay key is reported once, inside the overlay.
    @Test(arguments: [nil, "staging"] as [String?])
    func overlayUnknownKey_reportedOnce_insideOverlay(environment: String?) {
        do {
            _ = try ConfigLoader.load(yaml: Self.yaml, sourceName: "p.yaml", baseDirectory: "/x", environment: environment)
            Issue.record("loaded")
        } catch {
            #expect(error.errors.map { "\($0.line):\($0.column)" } == ["12:7"])
            #expect(error.errors.first?.message.hasPrefix("unknown key 'max_instace'") == true)
            #expect(error.errors.first?.message.hasSuffix("did you mean 'max_instances'?") == true)
        }
    }

    @Test func emptyOverlay_isAllowed_andSelectable() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "max_instace", with: "max_instances")
        let loaded = try ConfigLoader.load(yaml: yaml, sourceName: "p.yaml", baseDirectory: "/x", environment: "empty")
        #expect(loaded.config.environment == "empty")
        #expect(loaded.config.environmentNames == ["empty", "staging"])
        #expect(loaded.config.scaling.maxInstances == 3)
    }
}
