import PilotoConfig
import PilotoGenerators

/// `piloto generate [--config FILE] [--env NAME] [--out DIR] [--check]`.
///
/// Loads the config through the same `ConfigLoader` as `validate` and `serve`, asks Generators for
/// the artifacts, and hands them to `ArtifactWriter`. Exit codes: 0 written or clean, 1 drift
/// (`--check`), 2 usage or config error.
enum GenerateCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        guard
            let parsed = ParsedArguments.parse(
                arguments, command: "generate", valued: ["--config", "--env", "--out"], switches: ["--check"],
                hint: "use --config FILE, --out DIR", stderr: stderr)
        else { return ExitCode.usage }
        let configPath = parsed.values["--config"] ?? "piloto.yaml"
        let environment = parsed.values["--env"]
        let out = parsed.values["--out"] ?? (environment.map { "out/\($0)" } ?? "out")

        guard let loaded = ConfigLoader.load(path: configPath, environment: environment, reportingTo: stderr) else {
            return ExitCode.usage
        }

        let artifacts = Generators.generateAll(loaded.config)
        let writer = ArtifactWriter(directory: out)
        let fix = fixCommand(config: configPath, environment: environment, out: parsed.values["--out"])
        if parsed.switches.contains("--check") {
            return check(writer: writer, artifacts: artifacts, fix: fix, stdout: stdout, stderr: stderr)
        }
        do {
            let report = try writer.write(artifacts)
            for path in report.written { stdout.write("wrote \(writer.display(path))\n") }
            for path in report.removed { stdout.write("removed stale \(writer.display(path))\n") }
            stdout.write(
                "\(out): \(artifacts.count) files, \(report.written.count) written, "
                    + "\(report.unchanged.count) unchanged, \(report.removed.count) removed\n")
            return ExitCode.success
        } catch {
            // A bad --out (a file, an unwritable folder) is a usage problem, not drift.
            stderr.write("piloto: \(error.message)\n")
            return ExitCode.usage
        }
    }

    /// `--check`: writes nothing; diff per changed file, then missing and stale files, then the fix.
    private static func check(
        writer: ArtifactWriter, artifacts: [Artifact], fix: String, stdout: Output, stderr: Output
    ) -> Int32 {
        let report = writer.check(artifacts, color: stdout.wantsColor())
        if report.isClean {
            stdout.write("\(writer.directory) is up to date (\(artifacts.count) files)\n")
            return ExitCode.success
        }
        for change in report.changed { stdout.write(change.diff) }
        var summary = ""
        for change in report.changed { summary += "changed: \(writer.display(change.path))\n" }
        for path in report.missing { summary += "missing: \(writer.display(path))\n" }
        for path in report.stale { summary += "stale (no longer generated): \(writer.display(path))\n" }
        summary += "\(writer.directory) is out of date; run: \(fix)\n"
        stdout.write(summary)
        return ExitCode.checkFailed
    }

    /// The command that brings the folder back in line, with only the flags the user gave.
    static func fixCommand(config: String, environment: String?, out: String?) -> String {
        var command = "piloto generate --config \(config)"
        if let environment { command += " --env \(environment)" }
        if let out { command += " --out \(out)" }
        return command
    }
}
