import Foundation
import Testing

/// The built `piloto` binary, run as separate processes: determinism across processes (Swift seeds
/// hashing per process, so a Dictionary-order bug only shows here) and the repo's own drift check.
///
/// The binary is found by `PilotoBinary` (built by `swift build` before `swift test`).
@Suite struct GenerateProcessTests {
    /// Runs piloto in `directory` with a minimal environment (no `${VAR}` overrides leak in).
    static func piloto(_ arguments: [String], in directory: String) throws -> PilotoBinary.Result {
        try PilotoBinary.launch(
            try PilotoBinary.path(), arguments, in: directory, environment: ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"])
    }

    static func files(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue, let data = FileManager.default.contents(atPath: folder + "/" + relative)
            {
                files[relative] = data
            }
        }
        return files
    }

    @Test(arguments: [nil, "staging"] as [String?])
    func twoProcessesWriteIdenticalBytes(environment: String?) throws {
        let temp = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: temp) }
        var outputs: [[String: Data]] = []
        for run in 0..<2 {
            var arguments = ["generate", "--config", "piloto.yaml", "--out", "\(temp)/run\(run)"]
            if let environment { arguments += ["--env", environment] }
            let result = try Self.piloto(arguments, in: CLIFixtures.repoRoot)
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(Self.files("\(temp)/run\(run)"))
        }
        #expect(!outputs[0].isEmpty)
        #expect(outputs[0].keys.sorted() == outputs[1].keys.sorted())
        for (path, data) in outputs[0] {
            #expect(outputs[1][path] == data, "\(path) differs between two processes")
        }
    }

    @Test(arguments: [nil, "staging"] as [String?])
    func committedOutIsUpToDate(environment: String?) throws {
        var arguments = ["generate", "--check"]
        if let environment { arguments += ["--env", environment] }
        let result = try Self.piloto(arguments, in: CLIFixtures.repoRoot)
        #expect(result.status == 0, "out/ drifted:\n\(result.stdout)")
        #expect(result.stdout.hasSuffix("is up to date (10 files)\n"))
    }

    /// Colour only on a terminal, and never with NO_COLOR: `script` gives piloto a pseudo-terminal.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func diffIsColouredOnlyOnATerminalWithoutNoColor() throws {
        let folder = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(
            atPath: CLIFixtures.repoRoot + "/Tests/GeneratorsTests/Fixtures/minimal/piloto.yaml",
            toPath: folder + "/piloto.yaml")
        #expect(try Self.piloto(["generate"], in: folder).status == 0)
        try "changed\n".write(toFile: folder + "/out/service.yaml", atomically: true, encoding: .utf8)
        let command = "\(try PilotoBinary.path()) generate --check"
        let onTerminal = try PilotoBinary.launch(
            "/usr/bin/script", ["-qec", command, "/dev/null"], in: folder, environment: ["PATH": "/usr/bin:/bin", "TERM": "dumb"])
        #expect(onTerminal.stdout.contains("\u{1B}[31m-changed"), "\(onTerminal.stdout)")
        let noColor = try PilotoBinary.launch(
            "/usr/bin/script", ["-qec", command, "/dev/null"], in: folder,
            environment: ["PATH": "/usr/bin:/bin", "TERM": "dumb", "NO_COLOR": "1"])
        #expect(noColor.stdout.contains("-changed"))
        #expect(!noColor.stdout.contains("\u{1B}["))
        let piped = try Self.piloto(["generate", "--check"], in: folder)
        #expect(piped.status == 1)
        #expect(!piped.stdout.contains("\u{1B}["))
        #expect(piped.stdout.hasSuffix("out is out of date; run: piloto generate --config piloto.yaml\n"))
    }
}
