import PilotoConfig

/// `piloto cost [--config FILE] [--env NAME] [--json] [--seed-phases]`: what the config costs a
/// month at list prices, from its `cost:` usage block (Config's `CostModel`; docs/cost.md).
///
/// The same model feeds validate's cost-ceiling warning and the dashboard's estimate, so the three
/// can never disagree. Output is a pure function of the config: no clock, no locale.
enum CostCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        guard
            let parsed = ParsedArguments.parse(
                arguments, command: "cost", valued: ["--config", "--env"], switches: ["--json", "--seed-phases"],
                hint: "use --config FILE", stderr: stderr)
        else { return ExitCode.usage }
        let path = parsed.values["--config"] ?? "piloto.yaml"
        guard let config = ConfigLoader.load(path: path, environment: parsed.values["--env"], reportingTo: stderr)?.config
        else { return ExitCode.usage }
        let json = parsed.switches.contains("--json")
        if parsed.switches.contains("--seed-phases") {
            stdout.write(json ? SeedPhases.json(config) : SeedPhases.table(config))
            return ExitCode.success
        }
        let estimate = CostModel.estimate(config)
        let assumptions = CostReport.assumptions(config)
        if json {
            stdout.write(CostReport.json(estimate, assumptions: assumptions))
        } else {
            let env = config.environment.map { ", environment \($0)" } ?? ""
            let title = "Monthly cost estimate for \(config.service.name) (\(config.service.region)\(env)), USD at list prices"
            stdout.write(CostReport.table(estimate, title: title, assumptions: assumptions))
        }
        return ExitCode.success
    }
}
