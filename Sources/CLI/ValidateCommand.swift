/// `piloto validate` — placeholder until its owner lands it.
enum ValidateCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        stderr.write("piloto: validate is not implemented yet\n")
        return ExitCode.usage
    }
}
