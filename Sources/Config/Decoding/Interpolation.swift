/// `${VAR}` and `${VAR:-default}` inside scalar values; `$${` is a literal `${`.
///
/// Runs on the YAML tree before typing, so `max_instances: ${MAX:-3}` is checked as an integer
/// after substitution. A missing variable without a default is an error at the scalar, naming the
/// variable and the key path.
struct Interpolator {
    let file: String
    let variables: [String: String]
    /// The config text, to point at the failing `${` itself. Split into lines only when a
    /// reference fails: splitting it on every load showed up in `serve`'s cold-start profile.
    let source: String
    var diagnostics: [Diagnostic] = []
    /// Scalars whose interpolation failed (by position): not type-checked again.
    var failedMarks: Set<SourceMark> = []

    /// The column of `reference` (e.g. `${NAME`) on the scalar's line at or after the scalar's start.
    func referenceColumn(_ reference: String, after mark: SourceMark) -> Int? {
        let lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        guard mark.line >= 1, mark.line <= lines.count, !reference.isEmpty else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        let needle = Array(reference.unicodeScalars)
        guard needle.count <= scalars.count else { return nil }
        var start = max(0, mark.column - 1)
        while start + needle.count <= scalars.count {
            if Array(scalars[start..<(start + needle.count)]) == needle { return start + 1 }
            start += 1
        }
        return nil
    }

    mutating func node(_ node: YAMLNode, path: String) -> YAMLNode {
        switch node {
        case .scalar(var s):
            // A byte test, not `contains(Character)`: grapheme-aware search over every scalar of the
            // config showed up in `serve`'s cold start. Same answer for what follows: a `$` byte
            // that is not a `$` Character carries a combining mark, so it starts no `${`.
            guard s.text.utf8.contains(UInt8(ascii: "$")) else { return node }
            switch expand(s.text) {
            case .success(let text): s.text = text
            case .failure(let e):
                failedMarks.insert(s.mark)
                let where_ = path.isEmpty ? "" : " (in '\(path)')"
                let column = referenceColumn(e.reference, after: s.mark) ?? s.mark.column
                diagnostics.append(Diagnostic(
                    severity: .error, file: file, line: s.mark.line, column: column, message: e.message + where_))
            }
            return .scalar(s)
        case .sequence(var seq):
            seq.items = seq.items.enumerated().map { self.node($0.element, path: "\(path)[\($0.offset)]") }
            return .sequence(seq)
        case .mapping(var m):
            m.pairs = m.pairs.map { pair in
                var pair = pair
                pair.value = self.node(pair.value, path: SchemaChecker.join(path, pair.key.text))
                return pair
            }
            return .mapping(m)
        }
    }

    /// The text with every reference replaced, or the first problem.
    func expand(_ text: String) -> Result<String, InterpolationError> {
        var out = ""
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
                out += "${"
                i += 3
                continue
            }
            guard c == "$", i + 1 < chars.count, chars[i + 1] == "{" else {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                return .failure(InterpolationError("unterminated '${' (write '$${' for a literal '${')", reference: "${"))
            }
            let body = chars[(i + 2)..<close]
            var inner = String(String.UnicodeScalarView(body))
            let reference = "${" + inner
            var fallback: String?
            if body.allSatisfy(\.isASCII) {
                // ASCII has no multi-scalar Characters, so a scalar search finds what
                // `firstRange(of:)` would, without its generic string-processing machinery (the
                // slowest part of interpolating a config at boot).
                var split: Int?
                for index in body.indices.dropLast() where body[index] == ":" && body[index + 1] == "-" {
                    split = index
                    break
                }
                if let split {
                    fallback = String(String.UnicodeScalarView(body[(split + 2)...]))
                    inner = String(String.UnicodeScalarView(body[..<split]))
                }
            } else if let range = inner.firstRange(of: ":-") {
                fallback = String(inner[range.upperBound...])
                inner = String(inner[..<range.lowerBound])
            }
            guard Self.isValidName(inner) else {
                return .failure(InterpolationError(
                    "invalid variable name '\(inner)' in '${…}' (letters, digits and _, not starting with a digit)",
                    reference: reference))
            }
            if let value = variables[inner], !(value.isEmpty && fallback != nil) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                return .failure(InterpolationError(
                    "environment variable '\(inner)' is not set (write ${\(inner):-default} for a default)",
                    reference: reference))
            }
            i = close + 1
        }
        return .success(out)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(first >= "0" && first <= "9") else { return false }
        return name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }
    }
}

/// Why a `${…}` reference could not be expanded, and its text (to find its column).
struct InterpolationError: Error {
    var message: String
    var reference: String

    init(_ message: String, reference: String) {
        self.message = message
        self.reference = reference
    }
}
