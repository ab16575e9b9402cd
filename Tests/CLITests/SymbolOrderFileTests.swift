import Foundation
import Testing

/// The release link lays out the functions `piloto serve` runs first and together
/// (`Sources/piloto/StaticLink/symbol-order.txt`, lld's `--symbol-ordering-file`), which keeps the
/// resident code small (issue 12: peak RSS). `tools/symbol_order` regenerates the list; these checks
/// keep the committed file one a review can read and a rerun reproduces: sorted, unique, one
/// symbol name per line, and actually named by Package.swift's release link.
struct SymbolOrderFileTests {
    static let path = CLIFixtures.repoRoot + "/Sources/piloto/StaticLink/symbol-order.txt"

    @Test func listIsSortedUniqueAndOneNamePerLine() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let names = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(names.count > 1000, "the list names the functions a server runs: thousands, not \(names.count)")
        #expect(!names.contains(""), "no blank lines")
        #expect(names.allSatisfy { !$0.contains(" ") && !$0.contains("\t") }, "one symbol name per line")
        #expect(names == names.sorted(), "sorted (tools/symbol_order writes it sorted)")
        #expect(Set(names).count == names.count, "no name twice")
        // The server's own entry points are in it: a list from another program would not have them.
        #expect(names.contains { $0.hasPrefix("$s14PilotoHTTPCore") })
        #expect(names.contains { $0.hasPrefix("$s13PilotoRuntime") })
    }

    @Test func releaseLinkUsesTheList() throws {
        let manifest = try String(contentsOfFile: CLIFixtures.repoRoot + "/Package.swift", encoding: .utf8)
        #expect(manifest.contains("--symbol-ordering-file=\" + Context.packageDirectory + \"/Sources/piloto/StaticLink/symbol-order.txt"))
        #expect(manifest.contains("--no-export-dynamic"))
    }
}
