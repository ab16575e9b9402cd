import Foundation
import Testing

/// The piloto binary must not link Foundation: `import Foundation` anywhere in its targets pulls in
/// FoundationInternationalization and ~34 MB of ICU data (the static release binary went from
/// 28.6 MB to 77.6 MB with it). FoundationEssentials, Glibc and Synchronization cover what piloto
/// uses; `Thread` → `OSThread`, `FileHandle` → `FileDescriptorWriter`, `JSONSerialization` →
/// `JSONDecoder`. Only the fuzz drivers (never linked into piloto) may import Foundation.
struct NoFoundationImportTests {
    @Test func productSourcesImportNoFoundation() throws {
        let sources = CLIFixtures.repoRoot + "/Sources"
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources))
        var offenders: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".swift"), !relative.hasPrefix("Fuzz/") else { continue }
            let text = try String(contentsOfFile: sources + "/" + relative, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                let imported = trimmed.split(separator: " ").dropFirst(trimmed.hasPrefix("@") ? 2 : 1).first
                if trimmed.contains("import "), imported == "Foundation" { offenders.append(relative) }
            }
        }
        #expect(offenders.sorted().isEmpty, "import FoundationEssentials (or nothing) instead in: \(offenders.sorted())")
    }
}
