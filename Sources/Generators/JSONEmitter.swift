import PilotoConfig
/// An ordered JSON value for the alert policies.
///
/// Objects are arrays of pairs (fixed key order in every process) and numbers are exact decimal
/// text (`0.7`, `1000`), never a formatted `Double`, so a threshold can't print as `0.69999999`.
package indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    /// Decimal text as it must appear, e.g. `"0.01"` or `"1000"`.
    case number(String)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (a: JSONValue, b: JSONValue) -> Bool {
        JSONEmitter.emit(a) == JSONEmitter.emit(b)
    }
}

/// Pretty JSON: 2-space indent, `"key": value`, LF, exactly one final newline.
package enum JSONEmitter {
    package static func emit(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        let closePad = String(repeating: " ", count: indent)
        switch value {
        case .string(let text): out += quoted(text)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, into: &out)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (index, pair) in pairs.enumerated() {
                out += pad + quoted(pair.0) + ": "
                write(pair.1, indent: indent + 2, into: &out)
                out += index == pairs.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        }
    }

    /// RFC 8259 §7: escape `"`, `\` and control characters; everything else (including `/` and
    /// non-ASCII) is written as is, so the escaping never depends on a Foundation version.
    package static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
