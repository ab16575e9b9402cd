/// The one description of piloto.yaml's shape.
///
/// A single table of `KeySpec`s drives everything that must agree about keys: the decoder's type
/// checks and defaults, unknown-key suggestions, overlay key checking, the JSON Schema
/// (`piloto schema`) and `docs/config.md`. Nothing else lists key names.
package struct KeySpec: Sendable {
    package var name: String
    package var type: ValueType
    package var presence: Presence
    /// A value users can copy, as YAML text (nil: the default or the type says enough).
    package var example: String?
    /// What the key means and why, for docs and the schema's `description`.
    package var summary: String
    /// Route keys only: the keywords of the handlers that accept this key (nil: every handler).
    package var handlers: [String]?

    package init(
        _ name: String, _ type: ValueType, _ presence: Presence, example: String? = nil,
        handlers: [RouteHandler.Kind]? = nil,
        _ summary: String
    ) {
        self.name = name
        self.type = type
        self.presence = presence
        self.example = example
        self.summary = summary
        self.handlers = handlers?.map(\.rawValue)
    }

    /// The default as YAML text, when there is one.
    package var defaultText: String? {
        if case .defaulted(let text) = presence { return text }
        return nil
    }

    /// True when the key must be written.
    package var isRequired: Bool {
        if case .required = presence { return true }
        return false
    }

    /// True when this route key applies to `handler`.
    package func applies(to handler: String) -> Bool { handlers?.contains(handler) ?? true }
}

/// Whether a key must be written, and what it is when it is not.
package enum Presence: Sendable, Equatable {
    /// Must be written (in the base config; overlays may leave anything out).
    case required
    /// Absent means "not configured" (nil in the model).
    case optional
    /// Absent means this YAML text, parsed by the same code as written values.
    case defaulted(String)
    /// A section or list that always exists; absent means all of its own defaults (or empty).
    case implied
}

/// The type of a value, as the decoder checks it and the schema and docs describe it.
package indirect enum ValueType: Sendable {
    /// Any scalar, taken as written (`yes` stays the text "yes").
    case string
    /// Plain decimal in a closed range.
    case integer(ClosedRange<Int>)
    /// A non-negative decimal number with at most 6 fraction digits (`0.05`, `220`), for usage figures.
    case number
    /// Only `true` or `false` (no YAML 1.1 `yes`/`on`).
    case boolean
    /// Integer and unit: `ms s m h d`.
    case duration
    /// Integer with a binary unit `B KiB MiB GiB Ki Mi Gi`, or plain bytes.
    case byteSize
    /// `70%` or `0.5%`.
    case percentage
    /// `1`, `2`, `0.5` or `500m` vCPU.
    case cpu
    /// One of these words.
    case choice([String])
    /// `immutable`, `no-cache` or a duration (max-age).
    case cachePolicy
    /// A mapping with exactly these keys.
    case section([KeySpec])
    /// A mapping from free names (`keyLabel` in docs) to values of one type.
    case map(keyLabel: String, value: ValueType)
    /// A sequence of values of one type.
    case list(ValueType)
    /// The `routes:` list: each item a mapping whose keys depend on its `handler`.
    case routes([KeySpec])
    /// `environments:`: names → partial copies of the whole config.
    case overlays

    /// How docs and messages name the type.
    package var displayName: String {
        switch self {
        case .string: "string"
        case .integer(let r): "integer \(r.lowerBound)…\(r.upperBound)"
        case .number: "number ≥ 0"
        case .boolean: "boolean (true or false)"
        case .duration: "duration (ms, s, m, h, d)"
        case .byteSize: "size (B, KiB, MiB, GiB, Ki, Mi, Gi)"
        case .percentage: "percentage"
        case .cpu: "CPU (1, 2, 4, 6, 8 or 0.08…0.99, 500m)"
        case .choice(let words): words.joined(separator: " | ")
        case .cachePolicy: "immutable | no-cache | duration"
        case .section: "mapping"
        case .map(let label, let value): "mapping \(label) → \(value.displayName)"
        case .list(let item): "list of \(item.displayName)"
        case .routes: "list of routes"
        case .overlays: "mapping NAME → overlay"
        }
    }
}

extension PilotoSchema {
    /// Dotted paths of the sections that define a key named `name`, in table order
    /// (for "belongs in 'scaling'" hints when a key is written in the wrong section).
    package static func sections(containing name: String) -> [String] {
        var result: [String] = []
        func visit(_ specs: [KeySpec], _ path: String) {
            for spec in specs {
                if spec.name == name && !path.isEmpty { result.append(path) }
                let child = path.isEmpty ? spec.name : path + "." + spec.name
                switch spec.type {
                case .section(let nested): visit(nested, child)
                case .map(let label, .section(let nested)): visit(nested, child + "." + label)
                case .routes(let nested): visit(nested, child + "[]")
                default: break
                }
            }
        }
        visit(root, "")
        return result
    }
}
