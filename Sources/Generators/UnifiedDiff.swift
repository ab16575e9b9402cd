/// A line-based unified diff (`diff -u` shape, 3 lines of context) for `generate --check`.
///
/// Longest-common-subsequence on lines; generated files are a few hundred lines, so the
/// O(n·m) table is small. Past `maximumCells` the diff degrades to one hunk that replaces the
/// whole file, which is still correct, only less minimal.
package enum UnifiedDiff {
    package static let context = 3
    static let maximumCells = 4_000_000

    package enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The diff text from `old` to `new`, or "" when they are equal. Lines are LF-separated.
    /// With `color`, removed lines are red, added green and hunk headers cyan (ANSI SGR).
    package static func render(old: String, new: String, oldLabel: String, newLabel: String, color: Bool = false) -> String {
        guard old != new else { return "" }
        let a = splitLines(old)
        let b = splitLines(new)
        let edits = script(a, b)
        let (red, green, cyan, reset) = color ? ("\u{1B}[31m", "\u{1B}[32m", "\u{1B}[36m", "\u{1B}[0m") : ("", "", "", "")
        var out = "\(red)--- \(oldLabel)\(reset)\n\(green)+++ \(newLabel)\(reset)\n"
        for hunk in hunks(edits) {
            out += "\(cyan)\(hunk.header)\(reset)\n"
            for line in hunk.lines {
                switch line {
                case .same(let text): out += " \(text)\n"
                case .removed(let text): out += "\(red)-\(text)\(reset)\n"
                case .added(let text): out += "\(green)+\(text)\(reset)\n"
                }
            }
        }
        if (!old.isEmpty && !old.hasSuffix("\n")) || (!new.isEmpty && !new.hasSuffix("\n")) {
            out += "\\ No newline at end of file\n"
        }
        return out
    }

    /// Lines without their terminators; a final newline does not add an empty line.
    static func splitLines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    /// `splitLines` for tests that re-apply a diff.
    package static func splitLinesForTests(_ text: String) -> [String] { splitLines(text) }

    /// The edit script: every line of `a` and `b` once, as same/removed/added, in order.
    package static func script(_ a: [String], _ b: [String]) -> [Line] {
        // Trim the common prefix and suffix first: most drifts touch a few lines.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let midA = Array(a[prefix..<(a.count - suffix)])
        let midB = Array(b[prefix..<(b.count - suffix)])
        var result = a[..<prefix].map { Line.same($0) }
        result += middle(midA, midB)
        result += a[(a.count - suffix)...].map { Line.same($0) }
        return result
    }

    private static func middle(_ a: [String], _ b: [String]) -> [Line] {
        let n = a.count, m = b.count
        if n == 0 { return b.map { .added($0) } }
        if m == 0 { return a.map { .removed($0) } }
        guard (n + 1) * (m + 1) <= maximumCells else { return a.map { .removed($0) } + b.map { .added($0) } }
        // lcs[i][j] = LCS length of a[i...] and b[j...], flattened.
        let width = m + 1
        var lcs = [Int32](repeating: 0, count: (n + 1) * width)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i * width + j] = a[i] == b[j]
                    ? lcs[(i + 1) * width + j + 1] + 1
                    : max(lcs[(i + 1) * width + j], lcs[i * width + j + 1])
            }
        }
        var out: [Line] = []
        var i = 0, j = 0
        while i < n, j < m {
            if a[i] == b[j] {
                out.append(.same(a[i])); i += 1; j += 1
            } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
                out.append(.removed(a[i])); i += 1
            } else {
                out.append(.added(b[j])); j += 1
            }
        }
        out += a[i...].map { .removed($0) }
        out += b[j...].map { .added($0) }
        return out
    }

    struct Hunk {
        var header: String
        var lines: [Line]
    }

    /// Groups changes with `context` lines around them; changes closer than 2·context merge.
    static func hunks(_ edits: [Line]) -> [Hunk] {
        let changed = edits.indices.filter { if case .same = edits[$0] { false } else { true } }
        guard let first = changed.first else { return [] }
        var ranges: [ClosedRange<Int>] = []
        var start = first, end = first
        for index in changed.dropFirst() {
            if index - end > 2 * context { ranges.append(start...end); start = index }
            end = index
        }
        ranges.append(start...end)

        // Line numbers before each edit index.
        var oldLine = [Int](repeating: 0, count: edits.count + 1)
        var newLine = [Int](repeating: 0, count: edits.count + 1)
        for (index, edit) in edits.enumerated() {
            oldLine[index + 1] = oldLine[index] + (isAdded(edit) ? 0 : 1)
            newLine[index + 1] = newLine[index] + (isRemoved(edit) ? 0 : 1)
        }
        return ranges.map { range in
            let lower = max(0, range.lowerBound - context)
            let upper = min(edits.count - 1, range.upperBound + context)
            let slice = Array(edits[lower...upper])
            let oldCount = slice.filter { !isAdded($0) }.count
            let newCount = slice.filter { !isRemoved($0) }.count
            let oldStart = oldCount == 0 ? oldLine[lower] : oldLine[lower] + 1
            let newStart = newCount == 0 ? newLine[lower] : newLine[lower] + 1
            return Hunk(header: "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@", lines: slice)
        }
    }

    private static func isAdded(_ line: Line) -> Bool { if case .added = line { true } else { false } }
    private static func isRemoved(_ line: Line) -> Bool { if case .removed = line { true } else { false } }
}
