import Foundation
import PilotoConfig
import PilotoGenerators
import Testing

/// The YAML and JSON emitters: quoting decisions, and that a real parser reads back the same text.
@Suite struct EmitterTests {
    static let tricky = [
        "", "yes", "No", "ON", "off", "y", "null", "~", "true", "0755", "1e3", "12", "-1", "+5", "0x1F", ".5", ".inf",
        "a: b", "#comment", "x #y", "{a}", "[1]", "a,b", "&anchor", "*alias", "!tag", "|", ">", "'", "\"q\"", "100%",
        "@at", "`tick`", " lead", "trail ", "tab\there", "line\nbreak", "back\\slash", "ação", "- dash", "?q",
        "plain-text", "512Mi", "gen2", "latest",
    ]

    @Test func trickyStringsRoundTripThroughTheLoadersParser() throws {
        let value = YAMLValue.map(Self.tricky.enumerated().map { YAMLEntry("k\($0.offset)", .string($0.element)) })
        let text = YAMLEmitter.emit(value)
        let (root, diagnostics) = YAMLParser.parse(text, file: "t.yaml")
        #expect(diagnostics.isEmpty)
        guard case .mapping(let map)? = root else { Issue.record("not a mapping"); return }
        for (index, expected) in Self.tricky.enumerated() {
            guard case .scalar(let scalar)? = map["k\(index)"] else { Issue.record("k\(index) missing"); continue }
            #expect(scalar.text == expected, "k\(index)")
            // Anything YAML 1.1 could retype must not be plain.
            if ["yes", "No", "ON", "off", "y", "null", "~", "true", "0755", "1e3", "12", ""].contains(expected) {
                #expect(scalar.style != .plain, "\(expected) must be quoted")
            }
        }
    }

    @Test func plainWhenUnambiguous() {
        for text in ["plain-text", "512Mi", "gen2", "latest", "serving.knative.dev/v1", "ação"] {
            #expect(YAMLEmitter.quoteIfNeeded(text) == text)
        }
        #expect(YAMLEmitter.quoteIfNeeded("1") == "\"1\"")
        #expect(YAMLEmitter.quoteIfNeeded("say \"hi\"") == "\"say \\\"hi\\\"\"")
    }

    @Test func blockStyleLayout() {
        let value = YAMLValue.map([
            YAMLEntry("a", .map([YAMLEntry("b", .int(1))]), comment: ["why"]),
            YAMLEntry("list", .list([
                .map([YAMLEntry("name", .string("x")), YAMLEntry("on", .bool(true))]),
                .string("s"),
            ])),
            YAMLEntry("empty", .list([])),
            YAMLEntry("none", .map([])),
        ])
        #expect(YAMLEmitter.emit(value) == """
            # why
            a:
              b: 1
            list:
              - name: x
                "on": true
              - s
            empty: []
            none: {}

            """)
    }

    @Test func jsonIsPrettyOrderedAndExact() throws {
        let value = JSONValue.object([
            ("z", .number(JSONNumber(fixedPoint: 7, scaleDigits: 1))), ("a", .string("q\"\\/\n\u{1}ç")), ("list", .array([.bool(false)])), ("o", .object([])),
        ])
        let text = value.pretty() + "\n"
        #expect(text == """
            {
              "z": 0.7,
              "a": "q\\"\\\\/\\n\\u0001ç",
              "list": [
                false
              ],
              "o": {}
            }

            """)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["a"] as? String == "q\"\\/\n\u{1}ç")
    }

    @Test func everyArtifactIsLFWithOneFinalNewlineAndNoTrailingSpaces() throws {
        for testCase in GenFixtures.cases {
            for artifact in Generators.generateAll(try GenFixtures.config(testCase)) {
                let text = artifact.contents
                #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(artifact.path)")
                #expect(!text.contains("\r"), "\(artifact.path)")
                #expect(!text.contains(" \n") && !text.contains("\t"), "\(artifact.path)")
            }
        }
    }
}
