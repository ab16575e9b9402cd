import Foundation
import PilotoConfig
import Testing

/// `piloto cost`: exact output for the repo's config, the issue's contract (contracts/edge.yaml,
/// copied into Fixtures/cost) and a config with every line item; JSON that parses with its keys
/// in order; the seed's phases; usage errors. `PILOTO_UPDATE_GOLDENS=1` rewrites the goldens.
@Suite struct CostCommandTests {
    static let repoConfig = CLIFixtures.repoRoot + "/piloto.yaml"
    static let fixtures = CLIFixtures.repoRoot + "/Tests/CLITests/Fixtures/cost"

    static let cases: [(golden: String, arguments: [String])] = [
        ("cost-repo.txt", ["cost", "--config", repoConfig]),
        ("cost-repo.json", ["cost", "--config", repoConfig, "--json"]),
        ("cost-repo-staging.txt", ["cost", "--config", repoConfig, "--env", "staging"]),
        ("cost-edge-contract.txt", ["cost", "--config", fixtures + "/edge.yaml"]),
        ("cost-edge-contract.json", ["cost", "--config", fixtures + "/edge.yaml", "--json"]),
        ("cost-cdn-redis.txt", ["cost", "--config", fixtures + "/cdn-redis.yaml"]),
        ("cost-seed-phases.txt", ["cost", "--config", repoConfig, "--seed-phases"]),
        ("cost-seed-phases.json", ["cost", "--config", repoConfig, "--seed-phases", "--json"]),
    ]

    @Test(arguments: cases.indices)
    func outputMatchesGolden(_ index: Int) throws {
        let (golden, arguments) = Self.cases[index]
        let result = runCLI(arguments)
        try CLIFixtures.update(golden, result.out)
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out == (try CLIFixtures.golden(golden)), "\(golden)")
        #expect(runCLI(arguments).out == result.out, "same bytes on every run")
    }

    @Test func theReposConfigIsEstimatedWithoutWarningsAndWithTheLoadBalancer() {
        let result = runCLI(["cost", "--config", Self.repoConfig])
        #expect(result.err == "")
        #expect(result.out.contains("Load balancer (forwarding rules $18.25"))
        #expect(result.out.contains("Free tier: 180,000 vCPU-s + 360,000 GiB-s at Tier 1 prices"))
        #expect(result.out.contains("\nAssumptions:\n- List prices in USD read on 2026-11-29"))
        #expect(!result.out.contains("Memorystore"), "sessions.store is memory")
    }

    @Test func jsonHasTheIssuesShapeWithKeysInOrder() throws {
        let text = runCLI(["cost", "--config", Self.fixtures + "/cdn-redis.yaml", "--json"]).out
        #expect(text.hasPrefix("{\"total_usd\": "))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["id"] as? String } == ["cloud_run", "load_balancer", "cdn", "redis", "logging", "egress"])
        let total = try #require(object["total_usd"] as? Double)
        let sum = items.compactMap { $0["usd"] as? Double }.reduce(0, +)
        #expect(abs(total - sum) <= 0.01 * Double(items.count), "total is the sum of the rounded items, within their rounding")
        for item in items {
            let keys = text.components(separatedBy: "{\"id\": \"\(item["id"] ?? "")\"").dropFirst().first ?? ""
            #expect(keys.hasPrefix(", \"label\": "), "id, label, usd, details in that order")
            #expect(item["details"] is [[String: Any]])
        }
        #expect((object["assumptions"] as? [String])?.contains { $0.hasPrefix("Memorystore at the us-central1 price") } == true)
    }

    @Test func seedPhasesJSONParsesAndCarriesTheSeedsFigures() throws {
        let text = runCLI(["cost", "--config", Self.repoConfig, "--seed-phases", "--json"]).out
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let phases = try #require(object["phases"] as? [[String: Any]])
        #expect(phases.compactMap { $0["id"] as? String } == ["mvp", "crescimento", "escala", "com_cdn"])
        let seedTotals = phases.compactMap { ($0["seed"] as? [String: Any])?["total_usd"] as? Double }
        #expect(seedTotals == [30, 100, 230, 450])
    }

    @Test func badArgumentsAndBadConfigsExitTwo() throws {
        let unknown = runCLI(["cost", "--csv"])
        #expect(unknown.code == 2)
        #expect(unknown.err.contains("unknown option '--csv' for 'cost'"))
        let stray = runCLI(["cost", "piloto.yaml"])
        #expect(stray.code == 2 && stray.err.contains("unexpected argument 'piloto.yaml'"))
        let missing = runCLI(["cost", "--config", "/nonexistent/piloto.yaml"])
        #expect(missing.code == 2 && missing.out == "")
        let folder = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "service: {name: x}\ncost: {requests_per_month: lots}\n".write(toFile: folder + "/piloto.yaml", atomically: true, encoding: .utf8)
        let invalid = runCLI(["cost", "--config", folder + "/piloto.yaml"])
        #expect(invalid.code == 2)
        #expect(invalid.err.contains("piloto.yaml:"), "file:line:col diagnostics")
    }
}
