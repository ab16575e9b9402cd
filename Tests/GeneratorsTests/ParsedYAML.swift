import PilotoConfig
import Testing

/// Generated YAML read back with the loader's own libyaml-based parser: proof that what we emit is
/// YAML that a real parser reads to the intended tree (quoting included).
enum ParsedYAML {
    enum Failure: Error { case shape(String) }

    static func mapping(_ text: String) throws -> YAMLMapping {
        let (root, diagnostics) = YAMLParser.parse(text, file: "generated.yaml")
        #expect(diagnostics.isEmpty, "parse diagnostics: \(diagnostics.map(\.message))")
        guard case .mapping(let map)? = root else { throw Failure.shape("root is not a mapping") }
        return map
    }

    /// Follows mapping keys; fails the test with the missing key.
    static func path(_ map: YAMLMapping, _ keys: String...) throws -> YAMLMapping {
        var current = map
        for key in keys {
            guard case .mapping(let next)? = current[key] else {
                Issue.record("missing mapping '\(key)' in \(keys.joined(separator: "."))")
                throw Failure.shape(key)
            }
            current = next
        }
        return current
    }

    /// A scalar's text (nil for missing or non-scalar).
    static func text(_ node: YAMLNode?) -> String? {
        guard case .scalar(let scalar)? = node else { return nil }
        return scalar.text
    }
}
