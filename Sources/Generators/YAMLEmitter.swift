import PilotoConfig

/// An ordered YAML value: the generators build this tree and `YAMLEmitter` prints it.
///
/// Mappings are arrays of pairs, never dictionaries, so the key order is the order the generator
/// wrote it in, identical in every process (Swift seeds Dictionary hashing per process).
package indirect enum YAMLValue: Sendable, Equatable {
    /// A string; quoted only when a YAML reader could take it for something else.
    case string(String)
    /// An integer, printed bare.
    case int(Int64)
    /// A boolean, printed `true`/`false`.
    case bool(Bool)
    case list([YAMLValue])
    case map([YAMLEntry])
}

/// One key of a YAML mapping, with optional comment lines printed just above it.
package struct YAMLEntry: Sendable, Equatable {
    package var key: String
    package var value: YAMLValue
    /// Each element is one `# ...` line (without the `# `).
    package var comment: [String]

    package init(_ key: String, _ value: YAMLValue, comment: [String] = []) {
        self.key = key
        self.value = value
        self.comment = comment
    }
}

/// A tiny deterministic block-style YAML emitter: 2-space indent, LF, no trailing spaces.
///
/// Driving libyaml's emitter would pull `CYAML` into Generators and leave quoting to its heuristics;
/// this is ~100 lines whose every output decision is visible here and pinned by golden tests.
package enum YAMLEmitter {
    /// The document text, ending in exactly one newline.
    package static func emit(_ value: YAMLValue) -> String {
        var lines: [String] = []
        switch value {
        case .map(let entries): emitMap(entries, indent: 0, into: &lines)
        case .list(let items): emitList(items, indent: 0, into: &lines)
        default: lines.append(scalar(value))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func emitMap(_ entries: [YAMLEntry], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for entry in entries {
            for comment in entry.comment {
                lines.append(comment.isEmpty ? pad + "#" : pad + "# " + comment)
            }
            let key = quoteIfNeeded(entry.key)
            switch entry.value {
            case .map(let children) where !children.isEmpty:
                lines.append(pad + key + ":")
                emitMap(children, indent: indent + 2, into: &lines)
            case .list(let items) where !items.isEmpty:
                lines.append(pad + key + ":")
                emitList(items, indent: indent + 2, into: &lines)
            default:
                lines.append(pad + key + ": " + scalar(entry.value))
            }
        }
    }

    /// Items as `- ` entries; a mapping item puts its first key on the dash line.
    private static func emitList(_ items: [YAMLValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .map(let children) where !children.isEmpty:
                var nested: [String] = []
                emitMap(children, indent: indent + 2, into: &nested)
                // The first non-comment line moves onto the dash; comments stay above the dash.
                var index = 0
                while index < nested.count, nested[index].drop(while: { $0 == " " }).hasPrefix("#") {
                    lines.append(pad + nested[index].dropFirst(indent + 2))
                    index += 1
                }
                for (offset, line) in nested[index...].enumerated() {
                    lines.append(offset == 0 ? pad + "- " + line.dropFirst(indent + 2) : line)
                }
            case .list(let children) where !children.isEmpty:
                lines.append(pad + "-")
                emitList(children, indent: indent + 2, into: &lines)
            default:
                lines.append(pad + "- " + scalar(item))
            }
        }
    }

    private static func scalar(_ value: YAMLValue) -> String {
        switch value {
        case .string(let text): quoteIfNeeded(text)
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .list: "[]"
        case .map: "{}"
        }
    }

    /// Words YAML 1.1 or 1.2 readers turn into booleans or null.
    private static let reservedWords: Set<String> = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ]
    private static let specialCharacters: Set<Character> = [
        ":", "#", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", "\\",
    ]

    /// Plain when unambiguous, otherwise double-quoted with JSON-style escapes.
    package static func quoteIfNeeded(_ text: String) -> String {
        needsQuotes(text) ? doubleQuoted(text) : text
    }

    static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        if first == " " || last == " " || first == "-" || first == "?" || first == "." { return true }
        if reservedWords.contains(text.lowercased()) { return true }
        if looksNumeric(text) { return true }
        return text.contains { specialCharacters.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false }
    }

    /// Anything a YAML reader might take for a number: digits with signs, dots, exponents, `0x`, `0o`,
    /// `.inf`, `.nan`, sexagesimal `1:30` (the colon already forces quoting).
    private static func looksNumeric(_ text: String) -> Bool {
        let lowered = text.lowercased()
        if [".inf", "-.inf", "+.inf", ".nan"].contains(lowered) { return true }
        guard let first = lowered.first, first.isNumber || first == "+" || first == "-" || first == "." else {
            return false
        }
        return lowered.allSatisfy { $0.isHexDigit || "+-._xo".contains($0) }
    }

    /// YAML's double-quoted style: the shared backslash escapes, other control characters as `\xXX`.
    static func doubleQuoted(_ text: String) -> String {
        var out = ""
        BackslashEscaping.appendQuoted(text, to: &out) { "\\x" + hex2($0) }
        return out
    }

    private static func hex2(_ value: UInt32) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(value >> 4) & 0xF]) + String(digits[Int(value) & 0xF])
    }
}
