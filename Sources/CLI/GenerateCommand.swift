/// `piloto generate` — placeholder until its owner lands it.
enum GenerateCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        stderr.write("piloto: generate is not implemented yet\n")
        return ExitCode.usage
    }
}
