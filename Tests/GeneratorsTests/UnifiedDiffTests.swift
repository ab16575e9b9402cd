import Foundation
import PilotoGenerators
import Testing

/// The unified diff `generate --check` prints, checked against GNU `diff -u` where installed.
@Suite struct UnifiedDiffTests {
    static let old = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"

    static func edited(_ edits: (inout [String]) -> Void) -> String {
        var lines = (1...30).map { "line \($0)" }
        edits(&lines)
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    static let variants: [String] = [
        edited { $0[4] = "changed 5" },
        edited { $0[0] = "first"; $0[29] = "last" },
        edited { $0.insert("new", at: 10); $0.remove(at: 20) },
        edited { $0[5] = "a"; $0[9] = "b" },
        edited { $0.append("tail") },
        edited { $0.removeAll() },
        edited { $0 = ["entirely", "different"] },
    ]

    @Test func equalTextsHaveNoDiff() {
        #expect(UnifiedDiff.render(old: Self.old, new: Self.old, oldLabel: "a", newLabel: "b").isEmpty)
    }

    @Test func singleChangeHasThreeLinesOfContext() {
        let diff = UnifiedDiff.render(old: Self.old, new: Self.variants[0], oldLabel: "out/x", newLabel: "generated")
        #expect(diff == """
            --- out/x
            +++ generated
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +changed 5
             line 6
             line 7
             line 8

            """)
    }

    @Test(.enabled(if: Tools.find("diff") != nil), arguments: 0..<7)
    func hunksMatchGNUDiff(variant: Int) throws {
        let new = Self.variants[variant]
        let ours = UnifiedDiff.render(old: Self.old, new: new, oldLabel: "a", newLabel: "b")
        let folder = NSTemporaryDirectory() + "piloto-diff-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.old.write(toFile: folder + "/a", atomically: true, encoding: .utf8)
        try new.write(toFile: folder + "/b", atomically: true, encoding: .utf8)
        let gnu = try Tools.run(try #require(Tools.find("diff")), ["-u", folder + "/a", folder + "/b"])
        #expect(gnu.status == 1)
        // Compare everything after the two header lines (GNU's carry timestamps).
        let body = { (text: String) in text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2) }
        #expect(Array(body(ours)) == Array(body(gnu.stdout)), "ours:\n\(ours)\ngnu:\n\(gnu.stdout)")
    }

    @Test func colourOnlyWhenAsked() {
        let plain = UnifiedDiff.render(old: Self.old, new: Self.variants[0], oldLabel: "a", newLabel: "b")
        let colored = UnifiedDiff.render(old: Self.old, new: Self.variants[0], oldLabel: "a", newLabel: "b", color: true)
        #expect(!plain.contains("\u{1B}["))
        #expect(colored.contains("\u{1B}[31m-line 5\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[32m+changed 5\u{1B}[0m"))
    }
}
