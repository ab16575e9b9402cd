/// Reads one checked section through its `KeySpec`s, so the schema table stays the only place that
/// states a key's type and default.
///
/// `read("region")` looks the name up in the section's specs, checks that the Swift type the
/// model wants is the one the spec's `ValueType` produces, and returns the checked value or, when
/// the key is absent, what the spec's presence says: the default (parsed from the spec's YAML text
/// by the same code as written values), nil for an optional key, an empty list for an implied one.
/// A name that is not in the table, a type that does not match or an optional model field for a
/// defaulted key is a `SchemaDefect`: a programming error that fails every config load (and so
/// every test), never a silent `nil`. Every read is logged by schema path so a test can prove that
/// each spec is decoded (`ModelBuilder.keyPathsRead`).
package struct KeyReader {
    let specs: [KeySpec]
    let values: TypedSection
    /// Schema path of this section: `server.limits`, `routes[]`, `secrets.*` (see `schemaPaths`).
    let path: String
    let log: KeyReadLog

    /// The value of `name`, typed as the model field wants it.
    package func read<T: ConfigValue>(_ name: String, as type: T.Type = T.self) throws(SchemaDefect) -> T {
        let spec = try lookup(name)
        guard T.isCarried(by: spec.type) else { throw .typeMismatch(key(name), spec.type.displayName, "\(T.self)") }
        if let value = values[name] {
            guard let decoded = T.decode(value) else { throw .typeMismatch(key(name), spec.type.displayName, "\(T.self)") }
            return decoded
        }
        switch spec.presence {
        case .optional:
            guard let none = T.absent else { throw .optionalReadAsRequired(key(name)) }
            return none
        case .required:
            // Absent only when the written value was rejected (the load fails; rules skip the key).
            if let none = T.absent { return none }
            guard let stand = T.placeholder else { throw .noPlaceholder(key(name), "\(T.self)") }
            return stand
        case .defaulted(let text):
            guard T.absent == nil else { throw .defaultReadAsOptional(key(name)) }
            var checker = SchemaChecker(file: "")
            let node = YAMLNode.scalar(YAMLScalar(text: text, style: .plain, mark: .start))
            guard case .value(let value) = checker.check(node, type: spec.type, path: name, partial: false),
                let decoded = T.decode(value)
            else { throw .invalidDefault(key(name), text) }
            return decoded
        case .implied:
            guard let empty = T.decode(.list([])) else { throw .typeMismatch(key(name), spec.type.displayName, "\(T.self)") }
            return empty
        }
    }

    /// A nested section that always exists (`implied`): absent or rejected reads as all defaults.
    func section(_ name: String) throws(SchemaDefect) -> KeyReader {
        let (nested, child) = try nestedSpecs(name)
        return KeyReader(specs: nested, values: child ?? TypedSection(), path: key(name), log: log)
    }

    /// A nested section that may be left out (`optional`): nil when absent.
    func optionalSection(_ name: String) throws(SchemaDefect) -> KeyReader? {
        let (nested, child) = try nestedSpecs(name)
        return child.map { KeyReader(specs: nested, values: $0, path: key(name), log: log) }
    }

    /// A `map` of free names to scalar values, in file order (rejected values are left out).
    func entries<T: ConfigValue>(_ name: String, as type: T.Type = T.self) throws(SchemaDefect) -> [(name: String, value: T)] {
        let spec = try lookup(name)
        guard case .map(_, let valueType) = spec.type, T.isCarried(by: valueType) else {
            throw .typeMismatch(key(name), spec.type.displayName, "map of \(T.self)")
        }
        return (values.section(name)?.entries ?? []).compactMap { entry in T.decode(entry.value).map { (entry.name, $0) } }
    }

    /// A `map` of free names to sections (`secrets:`), in file order.
    func sectionEntries(_ name: String) throws(SchemaDefect) -> [(name: String, reader: KeyReader)] {
        let spec = try lookup(name)
        guard case .map(_, .section(let nested)) = spec.type else {
            throw .typeMismatch(key(name), spec.type.displayName, "map of sections")
        }
        return (values.section(name)?.entries ?? []).compactMap { entry in
            guard case .section(let s) = entry.value else { return nil }
            return (entry.name, KeyReader(specs: nested, values: s, path: key(name) + ".*", log: log))
        }
    }

    /// The `routes:` list: each item with its index in the file (for positions).
    func routes(_ name: String) throws(SchemaDefect) -> [(index: Int, reader: KeyReader)] {
        let spec = try lookup(name)
        guard case .routes(let nested) = spec.type else { throw .typeMismatch(key(name), spec.type.displayName, "routes") }
        return (values.list(name) ?? []).enumerated().compactMap { item in
            guard case .section(let s) = item.element else { return nil }
            return (item.offset, KeyReader(specs: nested, values: s, path: key(name) + "[]", log: log))
        }
    }

    /// Marks a key whose value another stage decodes (`environments:` is merged before typing).
    func decodedElsewhere(_ name: String) throws(SchemaDefect) { _ = try lookup(name) }

    private func key(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    private func lookup(_ name: String) throws(SchemaDefect) -> KeySpec {
        guard let spec = specs.first(where: { $0.name == name }) else { throw .unknownKey(key(name)) }
        log.paths.insert(key(name))
        return spec
    }

    private func nestedSpecs(_ name: String) throws(SchemaDefect) -> ([KeySpec], TypedSection?) {
        let spec = try lookup(name)
        guard case .section(let nested) = spec.type else { throw .typeMismatch(key(name), spec.type.displayName, "section") }
        return (nested, values.section(name))
    }

    /// Every schema path a complete decoder reads, in table order: `a.b`, `routes[].x`, `secrets.*.y`.
    package static func schemaPaths(_ specs: [KeySpec], prefix: String = "") -> [String] {
        specs.flatMap { spec -> [String] in
            let own = prefix.isEmpty ? spec.name : prefix + "." + spec.name
            switch spec.type {
            case .section(let nested): return [own] + schemaPaths(nested, prefix: own)
            case .map(_, .section(let nested)): return [own] + schemaPaths(nested, prefix: own + ".*")
            case .routes(let nested): return [own] + schemaPaths(nested, prefix: own + "[]")
            default: return [own]
            }
        }
    }
}

/// The schema paths a decode looked up (shared by every `KeyReader` of one build).
package final class KeyReadLog {
    package var paths: Set<String> = []
    package init() {}
}

/// The decoder and the schema table disagree: a bug in piloto, reported loudly, never a user error.
package enum SchemaDefect: Error, Equatable, CustomStringConvertible {
    case unknownKey(String)
    case typeMismatch(String, String, String)
    case optionalReadAsRequired(String)
    case defaultReadAsOptional(String)
    case noPlaceholder(String, String)
    case invalidDefault(String, String)

    package var description: String {
        switch self {
        case .unknownKey(let k): "the decoder reads '\(k)', which is not in PilotoSchema"
        case .typeMismatch(let k, let schema, let swift): "'\(k)' is \(schema) in PilotoSchema but decoded as \(swift)"
        case .optionalReadAsRequired(let k): "'\(k)' is optional in PilotoSchema; its model field must be Optional"
        case .defaultReadAsOptional(let k): "'\(k)' has a default in PilotoSchema; read it as non-Optional"
        case .noPlaceholder(let k, let swift): "required '\(k)' decoded as \(swift), which has no placeholder"
        case .invalidDefault(let k, let text): "the default '\(text)' of '\(k)' does not pass its own type"
        }
    }
}

/// A Swift type that a checked config value decodes to.
package protocol ConfigValue {
    /// The value out of a checked `TypedValue` (nil: a different case).
    static func decode(_ value: TypedValue) -> Self?
    /// True when the schema's `type` produces this Swift type.
    static func isCarried(by type: ValueType) -> Bool
    /// What an absent key reads as without a default: `.some(nil)` for `Optional`, else nil.
    static var absent: Self? { get }
    /// Stand-in for a required key whose written value was rejected (the load fails anyway).
    static var placeholder: Self? { get }
}

extension ConfigValue {
    package static var absent: Self? { nil }
    package static var placeholder: Self? { nil }
}

extension Optional: ConfigValue where Wrapped: ConfigValue {
    package static func decode(_ value: TypedValue) -> Self? { Wrapped.decode(value).map { .some($0) } }
    package static func isCarried(by type: ValueType) -> Bool { Wrapped.isCarried(by: type) }
    package static var absent: Self? { .some(.none) }
}

extension String: ConfigValue {
    package static func decode(_ value: TypedValue) -> String? { if case .string(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool {
        switch type {
        case .string, .choice: true
        default: false
        }
    }
    package static var placeholder: String? { "" }
}

extension Int: ConfigValue {
    package static func decode(_ value: TypedValue) -> Int? { if case .integer(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .integer = type { true } else { false } }
}

extension Bool: ConfigValue {
    package static func decode(_ value: TypedValue) -> Bool? { if case .boolean(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .boolean = type { true } else { false } }
}

extension TimeSpan: ConfigValue {
    package static func decode(_ value: TypedValue) -> TimeSpan? { if case .duration(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .duration = type { true } else { false } }
}

extension ByteSize: ConfigValue {
    package static func decode(_ value: TypedValue) -> ByteSize? { if case .byteSize(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .byteSize = type { true } else { false } }
}

extension Percentage: ConfigValue {
    package static func decode(_ value: TypedValue) -> Percentage? { if case .percentage(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .percentage = type { true } else { false } }
}

extension CPU: ConfigValue {
    package static func decode(_ value: TypedValue) -> CPU? { if case .cpu(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .cpu = type { true } else { false } }
}

extension CachePolicy: ConfigValue {
    package static func decode(_ value: TypedValue) -> CachePolicy? { if case .cache(let v) = value { v } else { nil } }
    package static func isCarried(by type: ValueType) -> Bool { if case .cachePolicy = type { true } else { false } }
}

/// A list of strings, in file order (rejected items are left out).
extension Array: ConfigValue where Element == String {
    package static func decode(_ value: TypedValue) -> [String]? {
        guard case .list(let items) = value else { return nil }
        return items.compactMap(String.decode)
    }
    package static func isCarried(by type: ValueType) -> Bool { if case .list(.string) = type { true } else { false } }
}

/// A model enum for a `.choice` key. Conforming checks that the schema's words are exactly its
/// cases, so the table can never offer a word the model cannot hold.
package protocol ConfigChoice: ConfigValue, CaseIterable, RawRepresentable where RawValue == String {}

extension ConfigChoice {
    package static func decode(_ value: TypedValue) -> Self? { String.decode(value).flatMap(Self.init(rawValue:)) }
    package static func isCarried(by type: ValueType) -> Bool {
        if case .choice(let words) = type { words == allCases.map(\.rawValue) } else { false }
    }
}

extension ServiceConfig.Ingress: ConfigChoice {}
extension ScalingConfig.ExecutionEnvironment: ConfigChoice {}
extension SessionCookie.SameSite: ConfigChoice {}
extension SessionsConfig.Store: ConfigChoice {}
extension NetworkConfig.Egress: ConfigChoice {}
extension WebSocketRoute.Mode: ConfigChoice {}
extension RouteHandler.Kind: ConfigChoice {}
