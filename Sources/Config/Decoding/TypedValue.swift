/// A value after schema checking: typed, defaults filled in, positions moved to `SourceMap`.
package indirect enum TypedValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case duration(TimeSpan)
    case byteSize(ByteSize)
    case percentage(Percentage)
    case cpu(CPU)
    case cache(CachePolicy)
    case section(TypedSection)
    case list([TypedValue])
}

/// A checked mapping, in file order (defaults appended after the written keys).
package struct TypedSection: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var name: String
        package var value: TypedValue
    }

    package var entries: [Entry] = []

    package init() {}

    package subscript(name: String) -> TypedValue? { entries.first { $0.name == name }?.value }

    mutating func set(_ name: String, _ value: TypedValue) {
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index].value = value
        } else {
            entries.append(Entry(name: name, value: value))
        }
    }

    package func section(_ name: String) -> TypedSection? {
        if case .section(let v) = self[name] { return v }
        return nil
    }
    package func list(_ name: String) -> [TypedValue]? {
        if case .list(let v) = self[name] { return v }
        return nil
    }
}

/// Where each dotted path (`scaling.max_instances`, `routes[2].path`) was written.
///
/// Keeps positions out of the typed model while letting cross-field rules point at the exact key
/// or value; a default (never written) resolves to its nearest written parent.
package struct SourceMap: Sendable {
    private var keys: [String: SourceMark] = [:]
    private var values: [String: SourceMark] = [:]

    package init() {}

    mutating func record(_ path: String, key: SourceMark?, value: SourceMark) {
        if let key { keys[path] = key }
        values[path] = value
    }

    /// The value's position, or the nearest written ancestor's.
    package func value(_ path: String) -> SourceMark {
        var current = path
        while true {
            if let mark = values[current] { return mark }
            guard let parent = Self.parent(of: current) else { return .start }
            current = parent
        }
    }

    /// The key's position (for "this key" messages), or the value's when there is no key.
    package func key(_ path: String) -> SourceMark { keys[path] ?? value(path) }

    /// True when `path` was written in the file (not defaulted).
    package func isWritten(_ path: String) -> Bool { values[path] != nil }

    /// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → nil.
    static func parent(of path: String) -> String? {
        guard let index = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
        return String(path[..<index])
    }
}
