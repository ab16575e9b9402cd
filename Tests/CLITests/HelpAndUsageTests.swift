import PilotoConfig
import Testing

struct HelpAndUsageTests {
    @Test func help_matchesGolden_onStdout_exit0() throws {
        let result = runCLI(["--help"])
        try CLIFixtures.update("help.txt", result.out)
        #expect(result.code == 0)
        #expect(result.err == "")
        #expect(result.out == (try CLIFixtures.golden("help.txt")))
        #expect(runCLI(["help"]).out == result.out)
        #expect(runCLI(["-h"]).out == result.out)
    }

    @Test func help_documentsEveryCommand_andExitCodes() {
        let text = runCLI(["--help"]).out
        for needle in [
            "validate [--config FILE] [--env NAME]", "generate [--config FILE] [--env NAME] [--out DIR] [--check]",
            "serve [--config FILE] [--env NAME] [--port N] [--dev]", "schema",
            "cost [--config FILE] [--env NAME] [--json] [--seed-phases]", "passwd LOGIN", "help [COMMAND]",
            "0  success", "1  a check failed", "2  usage error or invalid config",
        ] {
            #expect(text.contains(needle), "\(needle)")
        }
    }

    @Test(arguments: ["validate", "generate", "serve", "schema", "cost", "passwd", "help"])
    func helpCommand_matchesGolden(command: String) throws {
        let result = runCLI(["help", command])
        try CLIFixtures.update("help-\(command).txt", result.out)
        #expect(result.code == 0)
        #expect(result.out == (try CLIFixtures.golden("help-\(command).txt")))
        #expect(runCLI([command, "--help"]).out == result.out)
    }

    @Test func version_printsVersion() {
        let result = runCLI(["--version"])
        #expect(result.code == 0)
        #expect(result.out == "piloto 0.1.0\n")
    }

    @Test func noArguments_isUsageError() {
        let result = runCLI([])
        #expect(result.code == 2)
        #expect(result.out == "")
        #expect(result.err.hasPrefix("piloto: one piloto.yaml"))
    }

    @Test func unknownCommand_suggestsNearest_exit2() {
        let result = runCLI(["valdate"])
        #expect(result.code == 2)
        #expect(result.err == "piloto: unknown command 'valdate'; did you mean 'validate'?\nRun 'piloto --help' for usage.\n")
        #expect(runCLI(["--verison"]).err.contains("did you mean '--version'?"))
        #expect(runCLI(["help", "genrate"]).err.contains("did you mean 'generate'?"))
        #expect(runCLI(["help", "genrate"]).code == 2)
    }

    @Test func unknownFlag_suggestsNearest_exit2() {
        let result = runCLI(["validate", "--confg", "x.yaml"])
        #expect(result.code == 2)
        #expect(result.err == "piloto: unknown option '--confg' for 'validate'; did you mean '--config'?\nRun 'piloto help validate' for usage.\n")
        #expect(runCLI(["validate", "--config"]).err.contains("--config needs a value"))
        #expect(runCLI(["schema", "--markdwn"]).err.contains("did you mean '--markdown'?"))
    }

    @Test func schema_printsGeneratedSchema_andMarkdown() {
        let json = runCLI(["schema"])
        #expect(json.code == 0)
        #expect(json.out == JSONSchemaWriter.render())
        let markdown = runCLI(["schema", "--markdown"])
        #expect(markdown.code == 0)
        #expect(markdown.out == MarkdownDocWriter.render())
    }
}
