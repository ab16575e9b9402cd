import PilotoConfig

/// The whole CLI: argv (without the program name) in, exit code out.
///
/// Exit codes are a contract with CI: 0 success, 1 a check failed (drift), 2 usage or config error.
package func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
    guard let command = arguments.first else {
        stderr.write(HelpText.overview)
        return ExitCode.usage
    }
    let rest = Array(arguments.dropFirst())
    switch command {
    case "--help", "-h":
        stdout.write(HelpText.overview)
        return ExitCode.success
    case "--version":
        stdout.write(HelpText.version + "\n")
        return ExitCode.success
    case "help":
        return help(rest, stdout: stdout, stderr: stderr)
    default:
        break
    }
    guard HelpText.page(for: command) != nil else {
        var message = command.hasPrefix("-") ? "unknown option '\(command)'" : "unknown command '\(command)'"
        let candidates = command.hasPrefix("-") ? ["--help", "--version"] : HelpText.commands.map(\.name)
        if let near = EditDistance.suggestion(for: command, among: candidates) { message += "; did you mean '\(near)'?" }
        return usageFailure(UsageError(message: message), command: nil, stderr: stderr)
    }
    // `piloto COMMAND --help` shows that command's page, whoever implements the command.
    if rest.contains("--help") || rest.contains("-h") {
        stdout.write(HelpText.page(for: command) ?? HelpText.overview)
        return ExitCode.success
    }
    switch command {
    case "validate": return ValidateCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "generate": return GenerateCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "serve": return ServeCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "schema": return SchemaCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "passwd": return PasswdCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "init": return InitCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "cost": return CostCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    default:
        stderr.write("piloto: \(command) is not available in this build\n")
        return ExitCode.usage
    }
}

/// `piloto help [COMMAND]`.
private func help(_ rest: [String], stdout: Output, stderr: Output) -> Int32 {
    if rest == ["--help"] || rest == ["-h"] {
        stdout.write(HelpText.page(for: "help") ?? HelpText.overview)
        return ExitCode.success
    }
    guard let topic = rest.first else {
        stdout.write(HelpText.overview)
        return ExitCode.success
    }
    guard rest.count == 1, let page = HelpText.page(for: topic) else {
        var message = rest.count == 1 ? "no help for unknown command '\(topic)'" : "help takes one command name"
        if rest.count == 1, let near = EditDistance.suggestion(for: topic, among: HelpText.commands.map(\.name)) {
            message += "; did you mean '\(near)'?"
        }
        return usageFailure(UsageError(message: message), command: nil, stderr: stderr)
    }
    stdout.write(page)
    return ExitCode.success
}

/// The process exit codes piloto promises (documented in the help text).
package enum ExitCode {
    package static let success: Int32 = 0
    /// `generate --check` found drift, or another check failed.
    package static let checkFailed: Int32 = 1
    /// Bad arguments or an invalid config.
    package static let usage: Int32 = 2
}
