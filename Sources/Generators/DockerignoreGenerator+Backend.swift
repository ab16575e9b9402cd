import PilotoConfig

/// What a Python backend leaves beside its sources on a developer's machine, kept out of the build
/// context: the backend stage builds its own virtual environment, and a local database is state,
/// not image content (the demo's `backend/data.sqlite3` is created and seeded on first start).
extension DockerignoreGenerator {
    /// Per folder: `scripts/run-demo`'s `.venv` (or `.pydeps` from `pip install --target` where
    /// `python3 -m venv` is missing), a plain `venv`, pytest's cache, and SQLite files with their
    /// journals (`-journal`, `-wal`, `-shm`).
    static let backendLocalFiles = [".venv", "venv", ".pydeps", ".pytest_cache", "*.sqlite3", "*.sqlite3-*"]

    /// Patterns for `build.backend.path` and every `run:` backend's `dir` (file order, each folder
    /// once); bytecode anywhere. Empty without `run:` backends. A folder outside the context is
    /// skipped: nothing of it is sent.
    static func backendPatterns(_ config: PilotoConfig) -> [String] {
        guard config.backends.contains(where: \.isRun) else { return [] }
        let written = (config.build.backend.map { [$0.path.asWritten] } ?? [])
            + config.backends.filter(\.isRun).compactMap { $0.dir?.asWritten }
        var folders: [String] = []
        for path in written {
            guard !path.hasPrefix("/"), !PathText.normalized(path).split(separator: "/").contains("..") else { continue }
            let folder = PathText.normalized(path)
            if !folders.contains(folder) { folders.append(folder) }
        }
        return ["**/__pycache__", "**/*.pyc"] + folders.flatMap { folder in backendLocalFiles.map { PathText.join(folder, $0) } }
    }
}
