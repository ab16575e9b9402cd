/// The quoted-string escaping that JSON (RFC 8259 §7), YAML double-quoted scalars and HCL strings
/// share, written once: `"`, `\`, LF, CR and tab become `\"`, `\\`, `\n`, `\r`, `\t`; the other
/// control characters (below 0x20, and DEL) are spelled by the format's own `control` rule; all
/// else is written as is, so output never depends on a Foundation version.
///
/// Why Unicode scalars, not Characters: a combining mark after `"` makes one Character that is
/// not `"`, and would let the quote through unescaped.
package enum BackslashEscaping {
    /// Appends `text` to `out` between double quotes. `control` gets each control scalar's value
    /// and returns its escape, or nil to write it as is (JSON leaves DEL alone).
    package static func appendQuoted(_ text: String, to out: inout String, control: (UInt32) -> String?) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F, let escaped = control(scalar.value) {
                    out += escaped
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `\u` and four hex digits (JSON writes them lowercase, HCL uppercase).
    package static func unicodeEscape(_ value: UInt32, uppercase: Bool) -> String {
        let hex = String(value, radix: 16, uppercase: uppercase)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
