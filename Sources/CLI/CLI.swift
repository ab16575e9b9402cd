/// The whole CLI: argv (without the program name) in, exit code out.
///
/// Exit codes are a contract with CI: 0 success, 1 a check failed (drift), 2 usage or config error.
package func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
    guard let command = arguments.first else {
        stderr.write("usage: piloto <command> [options]\n")
        return ExitCode.usage
    }
    let rest = Array(arguments.dropFirst())
    switch command {
    case "validate": return ValidateCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "generate": return GenerateCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    case "serve": return ServeCommand.run(arguments: rest, stdout: stdout, stderr: stderr)
    default:
        stderr.write("piloto: unknown command '\(command)'\n")
        return ExitCode.usage
    }
}

/// The process exit codes piloto promises (documented in the README).
package enum ExitCode {
    package static let success: Int32 = 0
    /// `generate --check` found drift, or another check failed.
    package static let checkFailed: Int32 = 1
    /// Bad arguments or an invalid config.
    package static let usage: Int32 = 2
}
