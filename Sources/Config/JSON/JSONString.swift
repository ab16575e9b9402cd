/// RFC 8259 §7 string escaping, shared by every JSON writer in piloto (the schema, the generated
/// alert policies, the runtime's log lines): `"`, `\` and control characters are escaped; `/` and
/// non-ASCII are written as is, so output never depends on a Foundation version.
package enum JSONString {
    /// Appends `text` to `out` as a quoted JSON string.
    package static func append(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `text` as a quoted JSON string.
    package static func quoted(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }
}
