/// The parsed `sessions.users_file`: one `login:crypt-hash` a line.
///
/// Format: `#` starts a comment line, blank lines are skipped, surrounding spaces are trimmed. A
/// bad line (no `:`, empty login, whitespace in the login, a hash that does not start with `$`, a
/// repeated login) is skipped and reported with its line number; it never stops the server, so one
/// typo cannot lock everyone out.
package struct UsersFile: Sendable, Equatable {
    /// Login → stored hash. Looked up by key only; never iterated to produce output.
    package var hashes: [String: String] = [:]
    package var problems: [Problem] = []

    package struct Problem: Sendable, Equatable {
        package var line: Int
        package var message: String
    }

    /// Parses the file's text (any bytes: invalid UTF-8 is repaired, never fatal).
    package static func parse(_ text: String) -> UsersFile {
        var result = UsersFile()
        var lineNumber = 0
        // Split on LF bytes, not Characters: Swift treats CRLF as one Character, which would
        // glue a CRLF-terminated line to the next.
        for rawLine in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(decoding: rawLine, as: UTF8.self).trimmingCR()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                result.problems.append(Problem(line: lineNumber, message: "expected 'login:hash'"))
                continue
            }
            let login = String(line[..<colon])
            let hash = String(line[line.index(after: colon)...])
            if let problem = loginProblem(login) {
                result.problems.append(Problem(line: lineNumber, message: problem))
            } else if !hash.hasPrefix("$") || hash.contains(where: { $0 == " " || $0 == "\t" }) {
                result.problems.append(Problem(line: lineNumber, message: "'\(login)': not a crypt hash (run piloto passwd)"))
            } else if result.hashes[login] != nil {
                result.problems.append(Problem(line: lineNumber, message: "'\(login)' is listed twice; the first line wins"))
            } else {
                result.hashes[login] = hash
            }
        }
        return result
    }

    /// Why `login` cannot appear in a users file, or nil when it can: non-empty, no `:`, no
    /// whitespace or control characters, at most 128 bytes. `piloto passwd` applies the same rule.
    package static func loginProblem(_ login: String) -> String? {
        if login.isEmpty { return "empty login" }
        if login.utf8.count > 128 { return "login longer than 128 bytes" }
        if login.unicodeScalars.contains(where: { $0 == ":" || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "login must not contain ':', whitespace or control characters"
        }
        return nil
    }
}

extension String {
    /// Trims spaces, tabs and CRs at both ends.
    fileprivate func trimmingCR() -> String {
        var bytes = Substring(self).utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 || first == 0x0D { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
