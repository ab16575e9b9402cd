/// String-only path arithmetic for generated text: generators never look at the disk.
enum PathText {
    /// `./frontend/` → `frontend`; `.` → `` (the context root).
    static func normalized(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        return parts.joined(separator: "/")
    }

    /// `a` + `b` with exactly one `/` between non-empty parts.
    static func join(_ a: String, _ b: String) -> String {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// The path as a build-context path: normalized, empty for the context root.
    static func contextPath(_ path: String) -> String { normalized(path) }

    /// The normalized relative path, or nil when it is absolute or climbs out with `..`.
    static func safeRelative(_ path: String) -> String? {
        if path.hasPrefix("/") { return nil }
        let normalized = normalized(path)
        if normalized.split(separator: "/").contains("..") { return nil }
        return normalized.isEmpty ? nil : normalized
    }

    /// True when `path` is `folder` or below it.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder.isEmpty || path == folder || path.hasPrefix(folder + "/")
    }
}
