/// The positioned YAML tree piloto decodes: only scalars, sequences and ordered mappings.
///
/// Anchors, aliases, tags and merge keys are rejected while the tree is built, so every node here
/// is exactly what the user wrote at the place they wrote it.
package indirect enum YAMLNode: Sendable, Equatable {
    case scalar(YAMLScalar)
    case sequence(YAMLSequence)
    case mapping(YAMLMapping)

    /// Where the node starts.
    package var mark: SourceMark {
        switch self {
        case .scalar(let s): s.mark
        case .sequence(let s): s.mark
        case .mapping(let m): m.mark
        }
    }

    /// What the node is, for "expected X, found Y" messages.
    package var kindDescription: String {
        switch self {
        case .scalar(let s): s.isNull ? "null" : "'\(s.text)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// A scalar's text as written (no YAML 1.1 typing) and how it was quoted.
package struct YAMLScalar: Sendable, Equatable {
    package enum Style: Sendable, Equatable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    package var text: String
    package var style: Style
    package var mark: SourceMark

    /// `key:` with nothing, `~` or `null` written plainly: the absence of a value.
    package var isNull: Bool {
        style == .plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }
}

/// A list, in order.
package struct YAMLSequence: Sendable, Equatable {
    package var items: [YAMLNode]
    package var mark: SourceMark
}

/// A mapping with scalar keys, in file order (never a Dictionary: order matters for messages).
package struct YAMLMapping: Sendable, Equatable {
    package struct Pair: Sendable, Equatable {
        package var key: YAMLScalar
        package var value: YAMLNode
    }

    package var pairs: [Pair]
    package var mark: SourceMark

    /// The first pair whose key is `name` (duplicates were already reported).
    package func pair(_ name: String) -> Pair? { pairs.first { $0.key.text == name } }
    /// The value under `name`.
    package subscript(name: String) -> YAMLNode? { pair(name)?.value }
}
