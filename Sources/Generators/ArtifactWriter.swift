import FoundationEssentials

/// The one place that touches the disk for generated output: write, check (diff), prune.
///
/// This is the only file in Generators allowed to use FileManager; everything else is pure so the
/// same config gives the same bytes in every process.
///
/// What the writer owns in the output folder: its top-level files, everything under `alerts/` and
/// the `*.tf` files under `lb/` (not Terraform's state or lock file beside them).
/// Other subfolders (`out/staging/` beside `out/`) belong to other environments, and
/// `Generators.foreignFiles` (`piloto.schema.json`) to `piloto schema`; neither is ever stale.
/// Hidden files (`.gitkeep`) are left alone too.
package struct ArtifactWriter {
    /// The output folder as the user named it (relative paths resolve against the current folder).
    package var directory: String

    package init(directory: String) { self.directory = directory }

    /// What `--check` found; `isClean` when nothing differs.
    package struct CheckReport: Sendable, Equatable {
        /// Paths whose bytes differ, with their unified diff (out → generated).
        package var changed: [(path: String, diff: String)]
        /// Generated paths that do not exist in the folder.
        package var missing: [String]
        /// Files in owned locations that generate no longer produces.
        package var stale: [String]

        package var isClean: Bool { changed.isEmpty && missing.isEmpty && stale.isEmpty }

        package static func == (a: CheckReport, b: CheckReport) -> Bool {
            a.changed.map(\.path) == b.changed.map(\.path) && a.changed.map(\.diff) == b.changed.map(\.diff)
                && a.missing == b.missing && a.stale == b.stale
        }
    }

    /// What `write` did.
    package struct WriteReport: Sendable, Equatable {
        package var written: [String]
        package var unchanged: [String]
        package var removed: [String]
    }

    package enum WriteError: Error, Equatable, Sendable {
        case cannotCreateDirectory(String)
        case cannotWrite(String)
        case cannotRemove(String)
        case notADirectory(String)

        package var message: String {
            switch self {
            case .cannotCreateDirectory(let path): "cannot create directory '\(path)'"
            case .cannotWrite(let path): "cannot write '\(path)'"
            case .cannotRemove(let path): "cannot remove stale file '\(path)'"
            case .notADirectory(let path): "'\(path)' exists and is not a directory"
            }
        }
    }

    /// The path shown to people, e.g. `out/alerts/cpu.json`.
    package func display(_ path: String) -> String {
        directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// Compares the folder with `artifacts` without writing anything.
    package func check(_ artifacts: [Artifact], color: Bool = false) -> CheckReport {
        var report = CheckReport(changed: [], missing: [], stale: [])
        for artifact in artifacts {
            guard let data = FileManager.default.contents(atPath: display(artifact.path)) else {
                report.missing.append(artifact.path)
                continue
            }
            guard Array(data) != Array(artifact.contents.utf8) else { continue }
            let old = String(decoding: data, as: UTF8.self)
            let diff = UnifiedDiff.render(
                old: old, new: artifact.contents, oldLabel: display(artifact.path), newLabel: "generated",
                color: color)
            report.changed.append((artifact.path, diff.isEmpty ? "(bytes differ: not valid UTF-8)\n" : diff))
        }
        report.stale = stale(artifacts)
        return report
    }

    /// Writes changed and missing files (unchanged files keep their timestamps) and removes stale ones.
    package func write(_ artifacts: [Artifact]) throws(WriteError) -> WriteReport {
        var report = WriteReport(written: [], unchanged: [], removed: [])
        let manager = FileManager.default
        var isDirectory = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory {
            throw .notADirectory(directory)
        }
        for artifact in artifacts {
            let path = display(artifact.path)
            let bytes = Data(artifact.contents.utf8)
            if let existing = manager.contents(atPath: path), existing == bytes {
                report.unchanged.append(artifact.path)
                continue
            }
            let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
            if !folder.isEmpty {
                do {
                    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw .cannotCreateDirectory(folder)
                }
            }
            do {
                try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw .cannotWrite(path)
            }
            report.written.append(artifact.path)
        }
        for path in stale(artifacts) {
            do {
                try manager.removeItem(atPath: display(path))
            } catch {
                throw .cannotRemove(display(path))
            }
            report.removed.append(path)
        }
        return report
    }

    /// Files in owned locations (top level, `alerts/`, `lb/*.tf`) that `artifacts` does not contain, sorted.
    package func stale(_ artifacts: [Artifact]) -> [String] {
        let generated = Set(artifacts.map(\.path))
        var candidates: [String] = []
        for name in regularFiles(in: directory) where !Generators.foreignFiles.contains(name) {
            candidates.append(name)
        }
        for name in regularFiles(in: display("alerts")) {
            candidates.append("alerts/" + name)
        }
        // In `lb/` only the Terraform sources are ours: `terraform apply` leaves its state there.
        for name in regularFiles(in: display("lb")) where name.hasSuffix(".tf") {
            candidates.append("lb/" + name)
        }
        return candidates.filter { !generated.contains($0) }.sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
    }

    /// Names of non-hidden regular files directly in `folder` (none when it does not exist).
    private func regularFiles(in folder: String) -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { name in
            var isDirectory = false
            let exists = manager.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
            return exists && !isDirectory && !name.hasPrefix(".")
        }
    }
}
