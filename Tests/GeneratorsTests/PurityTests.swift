import Foundation
import Testing

/// Generators stay pure: no clock, randomness, environment or disk outside `ArtifactWriter.swift`,
/// and no Dictionary/Set literal feeding output. This is the source scan STYLE §6.5 asks CI to run.
@Suite struct PurityTests {
    static let folder = GenFixtures.repoRoot + "/Sources/Generators"
    static let banned = ["Date(", "UUID(", ".random", "ProcessInfo", "FileManager", "import Foundation", "print("]

    @Test func onlyTheWriterTouchesTheOutsideWorld() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".swift") }
        #expect(names.contains("ArtifactWriter.swift"))
        for name in names where name != "ArtifactWriter.swift" {
            let text = try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)
            for token in Self.banned {
                #expect(!text.contains(token), "\(name) uses \(token)")
            }
        }
    }
}
