/// `piloto schema`: JSON Schema 2020-12 of piloto.yaml, generated from `PilotoSchema`.
///
/// Editors (yaml-language-server) use it for completion and inline errors; it is committed as
/// `out/piloto.schema.json` and a test keeps it equal to this output.
package enum JSONSchemaWriter {
    package static func render() -> String { document().pretty(inlineStringArrays: 8) + "\n" }

    static func document() -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("piloto.yaml")),
            ("description", .string(
                "One file drives the Cloud Run deployment (piloto generate) and the server (piloto serve). "
                    + "Reference: docs/config.md.")),
        ]
        members += objectMembers(PilotoSchema.root, partial: false)
        members.append(("$defs", .object([
            ("overlay", .object(
                [("description", .string("A partial copy of the whole config: any subset of its keys."))]
                    + objectMembers(PilotoSchema.root.filter { $0.name != "environments" }, partial: true)))
        ])))
        return .object(members)
    }

    /// `type`, `properties`, `required`, `additionalProperties: false`.
    static func objectMembers(_ specs: [KeySpec], partial: Bool) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("type", .string("object"))]
        members.append(("properties", .object(specs.map { ($0.name, property($0, partial: partial)) })))
        let required = partial ? [] : specs.filter { $0.isRequired && $0.handlers == nil }.map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        members.append(("additionalProperties", .bool(false)))
        return members
    }

    static func property(_ spec: KeySpec, partial: Bool) -> JSONValue {
        var members = typeMembers(spec.type, partial: partial)
        members.append(("description", .string(spec.summary)))
        if let text = spec.defaultText { members.append(("default", defaultValue(text, spec.type))) }
        if let example = spec.example, case .string = spec.type { members.append(("examples", .array([.string(example)]))) }
        return .object(members)
    }

    /// YAML text of a default as the JSON value an editor would show.
    static func defaultValue(_ text: String, _ type: ValueType) -> JSONValue {
        switch type {
        case .integer, .number: ScalarParsing.integer(text).map { JSONValue.int($0) } ?? .string(text)
        case .boolean: ScalarParsing.boolean(text).map(JSONValue.bool) ?? .string(text)
        case .cpu: ScalarParsing.integer(text).map { JSONValue.int($0) } ?? .string(text)
        default: .string(text)
        }
    }

    static func typeMembers(_ type: ValueType, partial: Bool) -> [(String, JSONValue)] {
        switch type {
        case .string:
            // Scalars are typed by the schema: `version: 1` is the string "1".
            return [("type", .array([.string("string"), .string("number"), .string("boolean")]))]
        case .integer(let r):
            return [("type", .string("integer")), ("minimum", .int(r.lowerBound)), ("maximum", .int(r.upperBound))]
        case .number:
            return [("type", .string("number")), ("minimum", .int(0))]
        case .boolean:
            return [("type", .string("boolean"))]
        case .duration:
            return text(matching: "^[0-9]+(ms|s|m|h|d)$")
        case .byteSize:
            return text(matching: "^[0-9]+(B|KiB|MiB|GiB|Ki|Mi|Gi)?$", orBare: "integer")
        case .percentage:
            return text(matching: "^[0-9]+(\\.[0-9]{1,2})?%$")
        case .cpu:
            return text(matching: "^([0-9]+(\\.[0-9]{1,3})?|[0-9]+m)$", orBare: "number")
        case .choice(let words):
            return [("enum", .array(words.map(JSONValue.string)))]
        case .cachePolicy:
            return [("type", .string("string")), ("pattern", .string("^(immutable|no-cache|[0-9]+(ms|s|m|h|d))$"))]
        case .section(let specs):
            return objectMembers(specs, partial: partial)
        case .map(_, let value):
            return [("type", .string("object")), ("additionalProperties", .object(typeMembers(value, partial: false)))]
        case .list(let item):
            return [("type", .string("array")), ("items", .object(typeMembers(item, partial: false)))]
        case .routes(let specs):
            return [("type", .string("array")), ("minItems", .int(1)), ("items", .object(routeItem(specs)))]
        case .overlays:
            return [("type", .string("object")), ("additionalProperties", .object([("$ref", .string("#/$defs/overlay"))]))]
        }
    }

    /// One route: the union of keys, plus per-handler required keys and forbidden keys.
    /// A unit-carrying scalar (`5m`, `512Mi`, `70%`, `500m`): text matching `pattern`, or also a
    /// bare JSON number of type `bare` where the unit may be left out.
    static func text(matching pattern: String, orBare bare: String? = nil) -> [(String, JSONValue)] {
        let type: JSONValue = bare.map { .array([.string("string"), .string($0)]) } ?? .string("string")
        return [("type", type), ("pattern", .string(pattern))]
    }

    static func routeItem(_ specs: [KeySpec]) -> [(String, JSONValue)] {
        var members = objectMembers(specs, partial: false)
        let rules: [JSONValue] = PilotoSchema.handlerNames.map { handler in
            let required = specs.filter { $0.isRequired && $0.handlers != nil && $0.applies(to: handler) }
            let forbidden = specs.filter { !$0.applies(to: handler) }
            var then: [(String, JSONValue)] = []
            if !required.isEmpty { then.append(("required", .array(required.map { .string($0.name) }))) }
            if !forbidden.isEmpty { then.append(("properties", .object(forbidden.map { ($0.name, .bool(false)) }))) }
            return .object([
                ("if", .object([
                    ("properties", .object([("handler", .object([("const", .string(handler))]))])),
                    ("required", .array([.string("handler")])),
                ])),
                ("then", .object(then)),
            ])
        }
        members.append(("allOf", .array(rules)))
        return members
    }
}
