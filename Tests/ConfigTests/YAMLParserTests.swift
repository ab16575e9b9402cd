import Foundation
@testable import PilotoConfig
import Testing

struct YAMLParserTests {
    @Test func nodes_carryOneBasedPositions() throws {
        let (root, diagnostics) = YAMLParser.parse("a: 1\nb:\n  - x\n  - {c: d}\n", file: "t.yaml")
        #expect(diagnostics.isEmpty)
        guard case .mapping(let m)? = root, case .sequence(let seq)? = m["b"] else {
            Issue.record("unexpected shape")
            return
        }
        #expect(m.pairs[0].key.mark == SourceMark(line: 1, column: 1))
        #expect(m.pairs[0].value.mark == SourceMark(line: 1, column: 4))
        #expect(seq.items[0].mark == SourceMark(line: 3, column: 5))
        #expect(seq.items[1].mark == SourceMark(line: 4, column: 5))
    }

    @Test func scalars_keepTextAndStyle_noYAML11Typing() {
        let (root, _) = YAMLParser.parse("a: yes\nb: 'no'\nc: \"on\"\nd: 010\n", file: "t.yaml")
        guard case .mapping(let m)? = root else {
            Issue.record("not a mapping")
            return
        }
        #expect(m["a"] == .scalar(YAMLScalar(text: "yes", style: .plain, mark: SourceMark(line: 1, column: 4))))
        #expect(m["b"] == .scalar(YAMLScalar(text: "no", style: .singleQuoted, mark: SourceMark(line: 2, column: 4))))
        #expect(m["c"] == .scalar(YAMLScalar(text: "on", style: .doubleQuoted, mark: SourceMark(line: 3, column: 4))))
        #expect(m["d"] == .scalar(YAMLScalar(text: "010", style: .plain, mark: SourceMark(line: 4, column: 4))))
    }

    @Test func duplicateKeys_allReported_withNoteAtFirst() {
        let (_, diagnostics) = YAMLParser.parse("a: 1\nb: 2\na: 3\na: 4\n", file: "t.yaml")
        #expect(diagnostics.map(\.line) == [3, 4])
        #expect(diagnostics.allSatisfy { $0.notes.map(\.line) == [1] && $0.message == "duplicate key 'a'" })
    }

    @Test func endOfFileProblem_clampsToLastLine() {
        let (_, diagnostics) = YAMLParser.parse("a: 1\nb: [1, 2\n", file: "t.yaml")
        let d = diagnostics.first
        #expect(d?.line == 2)
        #expect(d?.column == 9)
        #expect(d?.message == "YAML syntax error: did not find expected ',' or ']' at end of file")
        #expect(d?.notes.first?.message == "while parsing a flow sequence")
        #expect(d?.notes.first?.line == 2)
        #expect(d?.notes.first?.column == 4)
    }

    @Test func caret_copiesTabs_andAlignsUnderColumn() {
        let renderer = DiagnosticRenderer(source: "x:\t\"é\" y\n")
        let d = Diagnostic(severity: .error, file: "t.yaml", line: 1, column: 6, message: "m")
        #expect(renderer.render(one: d) == "t.yaml:1:6: error: m\nx:\t\"é\" y\n  \t  ^\n")
    }

    @Test func diagnostics_areCapped() {
        let renderer = DiagnosticRenderer(source: "a\n")
        let many = (0..<(DiagnosticRenderer.displayLimit + 3)).map {
            Diagnostic(severity: .error, file: "t", line: 1, column: 1, message: "e\($0)")
        }
        #expect(renderer.render(many).hasSuffix("3 more not shown\n"))
    }
}

struct LineEndingTests {
    /// CRLF files report the same positions and carets as LF files.
    @Test func crlf_positionsAndCarets_matchLF() {
        let lf = "service:\n  name: app\n  domain: app.example.com\n  image: us-docker.pkg.dev/p/r/app:${TAG}\nroutes:\n  - path: /health\n    handler: health\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        func render(_ text: String) -> String {
            do {
                _ = try ConfigLoader.load(yaml: text, sourceName: "p.yaml", baseDirectory: "/x")
                return "loaded"
            } catch {
                return error.rendered
            }
        }
        #expect(render(lf).contains("p.yaml:4:36: error: environment variable 'TAG' is not set"))
        #expect(render(crlf) == render(lf))
    }

    @Test func syntaxError_isItsOwnOutcome() {
        guard case .syntaxError = YAMLParser.parseDocument("a: [1, 2\n", file: "t.yaml").outcome else {
            Issue.record("a libyaml error must be .syntaxError")
            return
        }
        // A duplicate key is a problem in a complete tree, not a syntax error.
        let (outcome, diagnostics) = YAMLParser.parseDocument("a: 1\na: 2\n", file: "t.yaml")
        guard case .document(.mapping?) = outcome else {
            Issue.record("expected a document")
            return
        }
        #expect(diagnostics.map(\.message) == ["duplicate key 'a'"])
    }
}

/// The renderer counts lines without splitting (cold start); its counts and line lengths must
/// match the Character split it replaced, CRs and final newlines included.
struct DiagnosticRendererLineTests {
    /// The split the renderer used to make: `\n` and `\r\n` Characters, then one trailing `\r` off.
    static func characterLines(_ source: String) -> [Substring] {
        var lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    @Test(arguments: [
        "", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\r\nb\r\n", "a\r\r\nb", "a\r", "a\n\r", "x\r\r\r\n",
        "é\u{301}\nñ\t\n", "\r\n\r\n", "key: v\n  - é\r\nlast",
    ])
    func counts_andLengths_matchTheCharacterSplit(_ source: String) {
        let renderer = DiagnosticRenderer(source: source)
        let expected = Self.characterLines(source)
        #expect(DiagnosticRenderer.lines(of: source) == expected)
        #expect(renderer.lineCount == expected.count)
        for (index, line) in expected.enumerated() {
            #expect(renderer.length(ofLine: index + 1) == line.unicodeScalars.count)
        }
        #expect(renderer.length(ofLine: expected.count + 1) == 0)
    }
}
