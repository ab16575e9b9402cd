import Foundation
import PilotoConfig
import Testing

struct ValidateCommandTests {
    @Test func repoConfig_isValid_exit0_warningsOnStderr() {
        let path = CLIFixtures.repoRoot + "/piloto.yaml"
        let result = runCLI(["validate", "--config", path])
        #expect(result.code == 0)
        // southamerica-east1 defaults to edge.mode load_balancer: no domain-mapping warning;
        // max_instances: 1 with memory sessions: no scale-out warning.
        #expect(result.out == "\(path) is valid\n")
        #expect(!result.err.contains("domain mapping"))
        #expect(!result.err.contains("max_instances"))
        #expect(!result.err.contains(": error:"))
    }

    @Test func repoConfig_stagingOverlay_isValid() {
        let path = CLIFixtures.repoRoot + "/piloto.yaml"
        let result = runCLI(["validate", "--config=\(path)", "--env", "staging"])
        #expect(result.code == 0)
        #expect(result.out == "\(path) with environment 'staging' is valid\n")
    }

    @Test func invalidConfig_printsEveryError_exit2() throws {
        let dir = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/piloto.yaml"
        try """
            service:
              name: app
              domain: app.example.com
              image: us-docker.pkg.dev/p/r/app:1
            scaling:
              max_instance: 3
              cpu_throttling: yes
            routes:
              - path: /health
                handler: health

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = runCLI(["validate", "--config", path])
        #expect(result.code == 2)
        #expect(result.out == "")
        #expect(result.err.contains("\(path):6:3: error: unknown key 'max_instance' in 'scaling'; did you mean 'max_instances'?\n  max_instance: 3\n  ^\n"))
        #expect(result.err.contains("\(path):7:19: error: expected true or false, found 'yes'\n"))
        #expect(result.err.hasSuffix("2 errors, 0 warnings\n"))
    }

    @Test func missingFile_isConfigError_exit2() {
        let result = runCLI(["validate", "--config", "/nonexistent/piloto.yaml"])
        #expect(result.code == 2)
        #expect(result.err.hasPrefix("/nonexistent/piloto.yaml:1:1: error: cannot read config file"))
    }

    @Test func unknownEnvironment_exit2() {
        let result = runCLI(["validate", "--config", CLIFixtures.repoRoot + "/piloto.yaml", "--env", "prod"])
        #expect(result.code == 2)
        #expect(result.err.contains("error: unknown environment 'prod'; known: staging"))
    }
}
