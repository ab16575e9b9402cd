import PilotoConfig

/// A bad command line: the message goes to stderr with a pointer to `--help`, exit 2.
struct UsageError: Error, Equatable {
    var message: String
}

/// `--flag`, `--flag VALUE` and `--flag=VALUE` parsing with did-you-mean for unknown flags.
struct ParsedArguments {
    var values: [String: String] = [:]
    var switches: Set<String> = []

    /// No command takes a positional argument: the first one is a usage error, reported after the
    /// options are read (so a misspelt option is named first wherever it stands).
    /// - Parameters:
    ///   - valued: flags that take a value (e.g. `--config`).
    ///   - switches: flags without a value (e.g. `--check`).
    ///   - hint: what to write instead of a positional argument, e.g. `use --config FILE`.
    static func parse(
        _ arguments: [String], command: String, valued: [String], switches: [String], hint: String? = nil
    ) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var positionals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                continue
            }
            var name = argument
            var inline: String?
            if let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            if valued.contains(name) {
                if let inline {
                    result.values[name] = inline
                } else if index < arguments.count {
                    result.values[name] = arguments[index]
                    index += 1
                } else {
                    throw UsageError(message: "\(name) needs a value")
                }
            } else if switches.contains(name), inline == nil {
                result.switches.insert(name)
            } else {
                var message = "unknown option '\(name)' for '\(command)'"
                if let near = EditDistance.suggestion(for: name, among: valued + switches) {
                    message += "; did you mean '\(near)'?"
                }
                throw UsageError(message: message)
            }
        }
        if let extra = positionals.first {
            throw UsageError(message: "unexpected argument '\(extra)'" + (hint.map { " (\($0))" } ?? ""))
        }
        return result
    }

    /// `parse` for a command's `run`: a usage error is printed (`usageFailure`) and gives nil (exit 2).
    static func parse(
        _ arguments: [String], command: String, valued: [String], switches: [String], hint: String?, stderr: Output
    ) -> ParsedArguments? {
        do throws(UsageError) {
            return try parse(arguments, command: command, valued: valued, switches: switches, hint: hint)
        } catch {
            _ = usageFailure(error, command: command, stderr: stderr)
            return nil
        }
    }
}
