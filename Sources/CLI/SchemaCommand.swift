import PilotoConfig

/// `piloto schema [--markdown]`: the JSON Schema (or the Markdown reference) on stdout.
enum SchemaCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        do throws(UsageError) {
            let parsed = try ParsedArguments.parse(arguments, command: "schema", valued: [], switches: ["--markdown"])
            if let extra = parsed.positionals.first { throw UsageError(message: "unexpected argument '\(extra)'") }
            stdout.write(parsed.switches.contains("--markdown") ? MarkdownDocWriter.render() : JSONSchemaWriter.render())
            return ExitCode.success
        } catch {
            return usageFailure(error, command: "schema", stderr: stderr)
        }
    }
}
