import PilotoConfig

/// `piloto validate [--config FILE] [--env NAME]`: every error and warning, exit 0 or 2.
enum ValidateCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        guard
            let parsed = ParsedArguments.parse(
                arguments, command: "validate", valued: ["--config", "--env"], switches: [], hint: "use --config FILE",
                stderr: stderr)
        else { return ExitCode.usage }
        let path = parsed.values["--config"] ?? "piloto.yaml"
        let environment = parsed.values["--env"]
        do {
            let loaded = try ConfigLoader.load(path: path, environment: environment)
            stderr.write(loaded.renderedWarnings)
            let count = loaded.warnings.count
            let suffix = count == 0 ? "" : " (\(count) warning\(count == 1 ? "" : "s"))"
            let env = environment.map { " with environment '\($0)'" } ?? ""
            stdout.write("\(path)\(env) is valid\(suffix)\n")
            return ExitCode.success
        } catch {
            stderr.write(error.rendered)
            let errors = error.diagnostics.filter { $0.severity == .error }.count
            let warnings = error.diagnostics.filter { $0.severity == .warning }.count
            stderr.write("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n")
            return ExitCode.usage
        }
    }
}

/// Prints a usage error and the hint to the command's help; exit 2.
func usageFailure(_ error: UsageError, command: String?, stderr: Output) -> Int32 {
    let help = command.map { "piloto help \($0)" } ?? "piloto --help"
    stderr.write("piloto: \(error.message)\nRun '\(help)' for usage.\n")
    return ExitCode.usage
}
