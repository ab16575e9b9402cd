import Foundation
import PilotoConfig
import Testing

/// The committed schema and reference must equal what the code generates now. Regenerate with
/// `swift run piloto schema > out/piloto.schema.json` and
/// `swift run piloto schema --markdown > docs/config.md`.
struct GeneratedDocsTests {
    @Test func committedJSONSchema_matchesGenerated() throws {
        let committed = try String(contentsOfFile: Fixtures.repoRoot + "/out/piloto.schema.json", encoding: .utf8)
        #expect(committed == JSONSchemaWriter.render())
    }

    @Test func committedMarkdownReference_matchesGenerated() throws {
        let committed = try String(contentsOfFile: Fixtures.repoRoot + "/docs/config.md", encoding: .utf8)
        #expect(committed == MarkdownDocWriter.render())
    }

    @Test func jsonSchema_isValidJSON_withDraft2020() throws {
        let data = Data(JSONSchemaWriter.render().utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(properties.keys.sorted() == PilotoSchema.root.map(\.name).sorted())
    }

    /// Every key written in the example appears in the schema and the reference.
    @Test func everyExampleKey_isDocumented() throws {
        let text = try Fixtures.text("valid/piloto.example.yaml")
        let (root, diagnostics) = YAMLParser.parse(text, file: "example.yaml")
        #expect(diagnostics.isEmpty)
        let docs = MarkdownDocWriter.render()
        var missing: [String] = []
        func walk(_ node: YAMLNode, _ path: String) {
            guard case .mapping(let m) = node else { return }
            for pair in m.pairs {
                let key = path.isEmpty ? pair.key.text : path + "." + pair.key.text
                // Free-form names (headers, env, secrets, environments) are not schema keys.
                if ["server.headers", "edge.request_headers", "env", "secrets", "environments"].contains(path) { continue }
                if !docs.contains("`\(key)`") && !path.isEmpty { missing.append(key) }
                walk(pair.value, key)
            }
        }
        if let root { walk(root, "") }
        #expect(missing == [])
    }

    @Test func everyExampleInTheTable_parsesAsItsType() {
        var failures: [String] = []
        func visit(_ specs: [KeySpec], _ path: String) {
            for spec in specs {
                let yaml = "k: \(spec.example ?? spec.defaultText ?? "x")"
                if case .section(let nested) = spec.type { visit(nested, path + spec.name + ".") }
                guard case .scalar = YAMLParser.parse(yaml, file: "t").root.flatMap({ r -> YAMLNode? in
                    if case .mapping(let m) = r { return m["k"] }
                    return nil
                }) else { continue }
                let ok: Bool
                let text = spec.example ?? spec.defaultText ?? ""
                switch spec.type {
                case .duration: ok = (try? ScalarParsing.duration(text).get()) != nil
                case .byteSize: ok = (try? ScalarParsing.byteSize(text).get()) != nil
                case .percentage: ok = (try? ScalarParsing.percentage(text).get()) != nil
                case .cpu: ok = (try? ScalarParsing.cpu(text).get()) != nil
                case .integer(let r): ok = ScalarParsing.integer(text).map(r.contains) ?? false
                case .boolean: ok = ScalarParsing.boolean(text) != nil
                default: ok = true
                }
                if !ok { failures.append(path + spec.name) }
            }
        }
        visit(PilotoSchema.root, "")
        #expect(failures == [])
    }
}
