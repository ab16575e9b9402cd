import Foundation
import PilotoConfig
import Testing

/// Every `Fixtures/invalid/<case>.yaml` must fail with exactly the text in `<case>.expected`
/// (message, line, column, source line and caret). A first-line `# env: NAME` selects an overlay.
///
/// To regenerate after an intended message change: `PILOTO_UPDATE_GOLDENS=1 swift test --filter
/// InvalidConfigGoldenTests`, then review the diff.
struct InvalidConfigGoldenTests {
    static let directory = Fixtures.directory + "/invalid"

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func atLeastThirtyDistinctCases() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases)
    func invalidConfig_rendersExpectedDiagnostics(name: String) throws {
        let text = try String(contentsOfFile: "\(Self.directory)/\(name).yaml", encoding: .utf8)
        var environment: String?
        if text.hasPrefix("# env: "), let line = text.split(separator: "\n").first {
            environment = String(line.dropFirst("# env: ".count))
        }
        var rendered = "(loaded without errors)\n"
        do {
            _ = try ConfigLoader.load(
                yaml: text, sourceName: "\(name).yaml", baseDirectory: "/srv/app", environment: environment,
                variables: ["SET": "value"])
        } catch {
            rendered = error.rendered
            #expect(!error.errors.isEmpty)
        }
        let expectedPath = "\(Self.directory)/\(name).expected"
        if ProcessInfo.processInfo.environment["PILOTO_UPDATE_GOLDENS"] == "1" {
            try rendered.write(toFile: expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(rendered == expected)
    }
}
