/// A tiny JSON tree with ordered objects, printed deterministically (2-space indent, LF, sorted
/// only where the caller sorted): enough for the JSON Schema output without Foundation's encoder,
/// whose key order and number formatting are not ours to fix.
package indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case bool(Bool)

    package static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// Pretty-printed text, with a final newline at top level.
    package func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        let inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let body = members.map { inner + Self.quote($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + pad + "}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .string = $0 { true } else { false } }) && items.count <= 8 {
                return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .string(let s): return Self.quote(s)
        case .integer(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// RFC 8259 §7 string escaping.
    static func quote(_ s: String) -> String { JSONString.quoted(s) }
}
