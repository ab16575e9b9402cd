/// `piloto serve` — placeholder until its owner lands it.
enum ServeCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        stderr.write("piloto: serve is not implemented yet\n")
        return ExitCode.usage
    }
}
