/// RFC 8259 §7 string escaping, shared by every JSON writer in piloto (the schema, the generated
/// alert policies, the runtime's log lines): `"`, `\` and control characters are escaped; `/` and
/// non-ASCII are written as is, so output never depends on a Foundation version.
package enum JSONString {
    /// Appends `text` to `out` as a quoted JSON string.
    package static func append(_ text: String, to out: inout String) {
        BackslashEscaping.appendQuoted(text, to: &out) { $0 < 0x20 ? BackslashEscaping.unicodeEscape($0, uppercase: false) : nil }
    }

    /// `text` as a quoted JSON string.
    package static func quoted(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }
}
