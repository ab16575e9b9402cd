/// The two layouts piloto writes: compact (log lines, HTTP bodies, the dashboard document, Redis
/// records) and pretty (the JSON Schema, alert policies). Strings are escaped by `JSONString`, so
/// output never depends on a Foundation version.
extension JSONValue {
    /// Compact RFC 8259 text: no spaces, no final newline.
    package var compact: String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    package func writeCompact(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.text
        case .string(let s): JSONString.append(s, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeCompact(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                JSONString.append(key, to: &out)
                out += ":"
                value.writeCompact(into: &out)
            }
            out += "}"
        }
    }

    /// Two-space indent, `"key": value`, LF, no final newline. Arrays of at most
    /// `inlineStringArrays` strings stay on one line (`["a", "b"]`; 0: never), which keeps `enum`
    /// lists in the schema readable.
    package func pretty(inlineStringArrays: Int = 0) -> String {
        var out = ""
        writePretty(into: &out, indent: 0, inlineStringArrays: inlineStringArrays)
        return out
    }

    private func writePretty(into out: inout String, indent: Int, inlineStringArrays: Int) {
        let inner = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items) where !items.isEmpty:
            if items.count <= inlineStringArrays && items.allSatisfy({ $0.stringValue != nil }) {
                out += "[" + items.map(\.compact).joined(separator: ", ") + "]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                item.writePretty(into: &out, indent: indent + 1, inlineStringArrays: inlineStringArrays)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += close + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (index, (key, value)) in members.enumerated() {
                out += inner
                JSONString.append(key, to: &out)
                out += ": "
                value.writePretty(into: &out, indent: indent + 1, inlineStringArrays: inlineStringArrays)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += close + "}"
        default:
            writeCompact(into: &out)
        }
    }
}
