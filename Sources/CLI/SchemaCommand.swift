import PilotoConfig

/// `piloto schema [--markdown]`: the JSON Schema (or the Markdown reference) on stdout.
enum SchemaCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        guard
            let parsed = ParsedArguments.parse(
                arguments, command: "schema", valued: [], switches: ["--markdown"], hint: nil, stderr: stderr)
        else { return ExitCode.usage }
        stdout.write(parsed.switches.contains("--markdown") ? MarkdownDocWriter.render() : JSONSchemaWriter.render())
        return ExitCode.success
    }
}
