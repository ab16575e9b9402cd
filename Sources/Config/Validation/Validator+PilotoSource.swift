import FoundationEssentials

/// `build.piloto` rules: exactly one form, a reproducible `ref`, a `path` that holds piloto.
extension Validator {
    mutating func checkPilotoSource() {
        guard let source = config.build.piloto else { return }
        let base = "build.piloto"
        switch (source.git, source.path) {
        case (.some, .some):
            report(.error, at: base + ".path", key: true,
                "build.piloto takes either git + ref or path, not both")
        case (nil, nil):
            report(.error, at: base, key: true,
                "build.piloto needs git + ref (a repository cloned in the build stage) or path (a folder in the build context)")
        case (.some(let url), nil):
            checkGit(url, ref: source.ref, base: base)
        case (nil, .some(let path)):
            if source.ref != nil {
                report(.error, at: base + ".ref", key: true, "build.piloto.ref only applies with git")
            }
            checkPath(path, at: base + ".path")
        }
    }

    private mutating func checkGit(_ url: String, ref: String?, base: String) {
        let schemes = ["https://", "ssh://", "git@", "file://"]
        if url.contains(where: { $0 == " " || $0 == "\t" || $0 == "'" || $0 == "\"" })
            || !schemes.contains(where: { url.hasPrefix($0) })
        {
            report(.error, at: base + ".git",
                "invalid git URL '\(url)': expected https://…, ssh://…, git@host:path or file://…")
        }
        guard let ref else {
            report(.error, at: base + ".git", key: true,
                "build.piloto.git needs ref: a tag (v1.2.3) or a full 40-character commit")
            return
        }
        switch Self.refKind(ref) {
        case .commit, .tag:
            break
        case .shortCommit:
            report(.error, at: base + ".ref",
                "ref '\(ref)' looks like an abbreviated commit: the build stage fetches one ref with `git fetch --depth 1`, which needs the full 40-character commit")
        case .invalid:
            report(.error, at: base + ".ref", "invalid git ref '\(ref)'")
        case .branch:
            report(.warning, at: base + ".ref",
                "ref '\(ref)' looks like a branch: every build may get different piloto sources; pin a tag (v1.2.3) or a full commit")
        }
    }

    private mutating func checkPath(_ path: ConfigPath, at location: String) {
        guard Self.isInsideFolder(path.asWritten) else {
            report(.error, at: location,
                "'\(path.asWritten)' must be a relative path inside the config file's folder (it is copied into the build stage)")
            return
        }
        guard checksBuildSources else { return }
        let manifest = path.resolved.hasSuffix("/") ? path.resolved + "Package.swift" : path.resolved + "/Package.swift"
        guard let bytes = LocalFiles.contents(manifest),
            String(decoding: bytes, as: UTF8.self).contains(#"name: "piloto""#)
        else {
            report(.error, at: location,
                "'\(path.asWritten)' holds no piloto Package.swift (looked for \(manifest)); vendor piloto there or use git + ref")
            return
        }
    }

    /// What a `ref` looks like, without asking the remote (validate is offline).
    enum RefKind: Equatable { case commit, shortCommit, tag, branch, invalid }

    static func refKind(_ ref: String) -> RefKind {
        let scalars = Array(ref.unicodeScalars)
        let forbidden: Set<Unicode.Scalar> = [" ", "~", "^", ":", "?", "*", "[", "\\", "'", "\"", "\t"]
        if scalars.isEmpty || scalars.first == "-" || scalars.contains(where: { forbidden.contains($0) || $0.value < 0x20 })
            || ref.contains("..")
        {
            return .invalid
        }
        let isHex = scalars.allSatisfy { ($0 >= "0" && $0 <= "9") || ($0 >= "a" && $0 <= "f") }
        if isHex && scalars.count == 40 { return .commit }
        if ref.hasPrefix("refs/tags/") { return .tag }
        if isVersionTag(ref) { return .tag }
        if isHex && scalars.count >= 7 && scalars.contains(where: { $0 >= "a" }) { return .shortCommit }
        return .branch
    }

    /// `v1`, `1.2.3`, `v1.0.0-rc.1`, `2.0+build.5`: an optional `v`, dot-separated numbers, an
    /// optional `-`/`+` suffix.
    static func isVersionTag(_ ref: String) -> Bool {
        var text = Substring(ref)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        let core = text.prefix { $0 != "-" && $0 != "+" }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard !numbers.isEmpty, numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) && $0.allSatisfy(\.isASCII) })
        else { return false }
        let suffix = text.dropFirst(core.count)
        return suffix.isEmpty || suffix.count > 1
    }
}
