import PilotoConfig

/// The little of HCL (Terraform's syntax) that `out/lb/main.tf` needs, written exactly as
/// `terraform fmt` would lay it out, so `terraform fmt -check` is clean on generated files.
///
/// No third-party HCL library exists for Swift and piloto takes no packages; the subset is small:
/// blocks with labels, attributes whose values are strings, references, literals, lists and objects,
/// own-line comments and blank lines. The layout rules are fmt's: two-space indents; `=` aligned
/// across a run of consecutive one-line attributes; a multi-line value, a comment, a blank line or
/// a nested block ends the run.
enum HCL {
    /// An attribute value.
    indirect enum Value: Equatable {
        /// A quoted template string; `${`, `%{`, quotes and backslashes are escaped, so it is literal.
        case string(String)
        /// A reference, number or boolean written as is (`google_compute_global_address.lb.address`, `true`, `1`).
        case raw(String)
        /// `[a, b]` on one line.
        case list([Value])
        /// One element a line, each followed by a comma.
        case multilineList([Value])
        /// `{ key = value }` one key a line, aligned like attributes.
        case object([(String, Value)])

        static func == (a: Value, b: Value) -> Bool { HCL.inline(a) == HCL.inline(b) }

        var isMultiline: Bool {
            switch self {
            case .string, .raw, .list: false
            case .multilineList, .object: true
            }
        }
    }

    /// One line-level thing inside a body.
    indirect enum Item {
        case attribute(String, Value)
        case block(Block)
        case comment(String)
        case blank
    }

    struct Block {
        var type: String
        var labels: [String]
        var body: [Item]

        init(_ type: String, _ labels: [String] = [], _ body: [Item]) {
            self.type = type
            self.labels = labels
            self.body = body
        }
    }

    /// A whole file: top-level items (blocks are separated by the blank lines the caller puts in).
    static func render(_ items: [Item]) -> String {
        var out = ""
        renderBody(items, indent: "", into: &out)
        return out
    }

    static func renderBody(_ items: [Item], indent: String, into out: inout String) {
        var index = 0
        while index < items.count {
            // A run of one-line attributes shares one `=` column.
            var end = index
            while end < items.count, case .attribute(_, let value) = items[end], !value.isMultiline { end += 1 }
            if end > index {
                let width = items[index..<end].reduce(0) { partial, item in
                    guard case .attribute(let name, _) = item else { return partial }
                    return max(partial, name.count)
                }
                for item in items[index..<end] {
                    guard case .attribute(let name, let value) = item else { continue }
                    out += indent + name + String(repeating: " ", count: width - name.count) + " = " + inline(value) + "\n"
                }
                index = end
                continue
            }
            switch items[index] {
            case .attribute(let name, let value):
                out += indent + name + " = "
                renderMultiline(value, indent: indent, into: &out)
            case .block(let block):
                let labels = block.labels.map { " " + quoted($0) }.joined()
                out += indent + block.type + labels + " {\n"
                renderBody(block.body, indent: indent + "  ", into: &out)
                out += indent + "}\n"
            case .comment(let text):
                out += indent + "#" + (text.isEmpty ? "" : " " + text) + "\n"
            case .blank:
                out += "\n"
            }
            index += 1
        }
    }

    /// A multi-line value starting after `name = `, ending with its closing line.
    static func renderMultiline(_ value: Value, indent: String, into out: inout String) {
        switch value {
        case .multilineList(let elements):
            out += "[\n"
            for element in elements {
                if element.isMultiline {
                    out += indent + "  "
                    renderMultiline(element, indent: indent + "  ", into: &out)
                    out.removeLast()
                    out += ",\n"
                } else {
                    out += indent + "  " + inline(element) + ",\n"
                }
            }
            out += indent + "]\n"
        case .object(let entries):
            out += "{\n"
            renderBody(entries.map { .attribute($0.0, $0.1) }, indent: indent + "  ", into: &out)
            out += indent + "}\n"
        case .string, .raw, .list:
            out += inline(value) + "\n"
        }
    }

    /// A value on one line (multi-line values only appear here for equality).
    static func inline(_ value: Value) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .raw(let text): text
        case .list(let elements), .multilineList(let elements): "[" + elements.map(inline).joined(separator: ", ") + "]"
        case .object(let entries): "{ " + entries.map { $0.0 + " = " + inline($0.1) }.joined(separator: ", ") + " }"
        }
    }

    /// A quoted HCL string whose content is exactly `text`: template introducers are doubled
    /// (`$${`, `%%{`), so a header value such as `{client_region}` reaches Google unchanged.
    static func quoted(_ text: String) -> String {
        var escaped = ""
        BackslashEscaping.appendQuoted(text, to: &escaped) { BackslashEscaping.unicodeEscape($0, uppercase: true) }
        var out = ""
        for scalar in escaped.unicodeScalars {
            // No escape contains `$`, `%` or `{`, so a `{` after one of them was so in `text`.
            if scalar == "{", let last = out.unicodeScalars.last, last == "$" || last == "%" { out.unicodeScalars.append(last) }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
