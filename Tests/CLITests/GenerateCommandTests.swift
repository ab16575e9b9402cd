import Foundation
import PilotoCLI
import Testing

/// `piloto generate` in-process, on a private copy of a fixture config in a temp folder (absolute
/// paths only: the current directory is process-wide state and tests run in parallel).
@Suite struct GenerateCommandTests {
    static let fixture = CLIFixtures.repoRoot + "/Tests/GeneratorsTests/Fixtures/full/piloto.yaml"

    /// A temp folder holding `piloto.yaml`; returns (config path, out path).
    static func workspace() throws -> (config: String, out: String) {
        let folder = try CLIFixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: fixture, toPath: folder + "/piloto.yaml")
        return (folder + "/piloto.yaml", folder + "/out")
    }

    static func snapshot(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder + "/" + relative) { files[relative] = data }
        }
        return files
    }

    @Test func writesEveryFileThenChecksClean() throws {
        let (config, out) = try Self.workspace()
        let first = runCLI(["generate", "--config", config, "--out", out])
        #expect(first.code == 0, "\(first.err)")
        for path in ["Dockerfile", "Dockerfile.dockerignore", "service.yaml", "domain-mapping.yaml", "alerts/cpu.json",
                     "alerts/error-rate.json", "alerts/latency-p99.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + path), "\(path)")
            #expect(first.out.contains("wrote \(out)/\(path)\n"))
        }
        #expect(first.out.hasSuffix("\(out): 9 files, 9 written, 0 unchanged, 0 removed\n"))
        #expect(first.err.contains("warning:"))  // validate's warnings go to stderr too

        let check = runCLI(["generate", "--config", config, "--out", out, "--check"])
        #expect(check.code == 0)
        #expect(check.out == "\(out) is up to date (9 files)\n")

        let again = runCLI(["generate", "--config", config, "--out", out])
        #expect(again.out == "\(out): 9 files, 0 written, 9 unchanged, 0 removed\n")
    }

    @Test func checkShowsAUnifiedDiffAndTheFixAndWritesNothing() throws {
        let (config, out) = try Self.workspace()
        #expect(runCLI(["generate", "--config", config, "--out", out]).code == 0)
        let service = out + "/service.yaml"
        let original = try String(contentsOfFile: service, encoding: .utf8)
        try original.replacingOccurrences(of: "containerConcurrency: 250", with: "containerConcurrency: 999")
            .write(toFile: service, atomically: true, encoding: .utf8)
        let before = Self.snapshot(out)

        let check = runCLI(["generate", "--config", config, "--out", out, "--check"])
        #expect(check.code == 1)
        #expect(check.out.contains("--- \(out)/service.yaml\n+++ generated\n@@ "))
        #expect(check.out.contains("\n-      containerConcurrency: 999\n+      containerConcurrency: 250\n"))
        #expect(check.out.contains("changed: \(out)/service.yaml\n"))
        #expect(check.out.hasSuffix("is out of date; run: piloto generate --config \(config) --out \(out)\n"))
        #expect(!check.out.contains("\u{1B}["), "no colour when not on a terminal")
        #expect(Self.snapshot(out) == before, "--check must not write")

        #expect(runCLI(["generate", "--config", config, "--out", out]).out.contains("wrote \(service)\n"))
        #expect(try String(contentsOfFile: service, encoding: .utf8) == original)
    }

    @Test func checkListsMissingFiles() throws {
        let (config, out) = try Self.workspace()
        #expect(runCLI(["generate", "--config", config, "--out", out]).code == 0)
        try FileManager.default.removeItem(atPath: out + "/alerts/cpu.json")
        let check = runCLI(["generate", "--config", config, "--out", out, "--check"])
        #expect(check.code == 1)
        #expect(check.out.contains("missing: \(out)/alerts/cpu.json\n"))
        #expect(!FileManager.default.fileExists(atPath: out + "/alerts/cpu.json"))
    }

    @Test func checkOnAnEmptyFolderListsEverythingMissing() throws {
        let (config, out) = try Self.workspace()
        let check = runCLI(["generate", "--config", config, "--out", out, "--check"])
        #expect(check.code == 1)
        #expect(check.out.components(separatedBy: "missing: ").count - 1 == 9)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func staleFilesAreReportedThenPrunedButSchemaAndEnvironmentFoldersAreKept() throws {
        let (config, out) = try Self.workspace()
        #expect(runCLI(["generate", "--config", config, "--out", out]).code == 0)
        let manager = FileManager.default
        try manager.createDirectory(atPath: out + "/staging/alerts", withIntermediateDirectories: true)
        for path in ["alerts/memory.json", "old.yaml", "piloto.schema.json", "staging/service.yaml",
                     "staging/alerts/cpu.json", ".gitkeep"] {
            try "{}\n".write(toFile: out + "/" + path, atomically: true, encoding: .utf8)
        }
        let check = runCLI(["generate", "--config", config, "--out", out, "--check"])
        #expect(check.code == 1)
        #expect(check.out.contains("stale (no longer generated): \(out)/alerts/memory.json\n"))
        #expect(check.out.contains("stale (no longer generated): \(out)/old.yaml\n"))
        #expect(!check.out.contains("piloto.schema.json"))
        #expect(!check.out.contains("staging"))
        #expect(!check.out.contains(".gitkeep"))
        #expect(manager.fileExists(atPath: out + "/old.yaml"), "--check must not prune")

        let write = runCLI(["generate", "--config", config, "--out", out])
        #expect(write.out.contains("removed stale \(out)/alerts/memory.json\n"))
        #expect(write.out.contains("removed stale \(out)/old.yaml\n"))
        #expect(!manager.fileExists(atPath: out + "/old.yaml"))
        for kept in ["piloto.schema.json", "staging/service.yaml", "staging/alerts/cpu.json", ".gitkeep"] {
            #expect(manager.fileExists(atPath: out + "/" + kept), "\(kept)")
        }
        #expect(runCLI(["generate", "--config", config, "--out", out, "--check"]).code == 0)
    }

    @Test func environmentSelectsTheOverlay() throws {
        let folder = try CLIFixtures.temporaryDirectory()
        let config = folder + "/piloto.yaml"
        try FileManager.default.copyItem(
            atPath: CLIFixtures.repoRoot + "/Tests/GeneratorsTests/Fixtures/overlays-redis/piloto.yaml", toPath: config)
        let result = runCLI(["generate", "--config", config, "--env", "prod", "--out", folder + "/out/prod"])
        #expect(result.code == 0, "\(result.err)")
        let service = try String(contentsOfFile: folder + "/out/prod/service.yaml", encoding: .utf8)
        #expect(service.contains("run.googleapis.com/network-interfaces"))
        let check = runCLI(["generate", "--config", config, "--env", "prod", "--out", folder + "/out/prod", "--check"])
        #expect(check.code == 0)
        let other = runCLI(["generate", "--config", config, "--env", "staging", "--out", folder + "/out/prod", "--check"])
        #expect(other.code == 1)
        #expect(other.out.hasSuffix("run: piloto generate --config \(config) --env staging --out \(folder)/out/prod\n"))
    }

    @Test func invalidConfigIsExitTwoWithTheLoadersMessageAndWritesNothing() throws {
        let folder = try CLIFixtures.temporaryDirectory()
        try "service:\n  name: x\n  max_instance: 3\n".write(toFile: folder + "/piloto.yaml", atomically: true, encoding: .utf8)
        let result = runCLI(["generate", "--config", folder + "/piloto.yaml", "--out", folder + "/out"])
        #expect(result.code == 2)
        #expect(result.err.contains("error:"))
        #expect(result.out.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }

    @Test func usageErrorsAreExitTwo() {
        let unknown = runCLI(["generate", "--chek"])
        #expect(unknown.code == 2)
        #expect(unknown.err.contains("did you mean '--check'?"))
        #expect(runCLI(["generate", "extra"]).code == 2)
        #expect(runCLI(["generate", "--out"]).code == 2)
    }
}

extension GenerateCommandTests {
    @Test func outThatIsAFileIsExitTwo() throws {
        let (config, out) = try Self.workspace()
        try "not a folder\n".write(toFile: out, atomically: true, encoding: .utf8)
        let result = runCLI(["generate", "--config", config, "--out", out])
        #expect(result.code == 2)
        #expect(result.err.contains("is not a directory"))
    }
}
