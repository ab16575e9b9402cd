import Glibc
import PilotoConfig

/// Everything needed to start one backend process, resolved from its `backends:` entry.
package struct ChildCommand: Sendable, Equatable {
    /// argv as written in `run:` (argv[0] included, unresolved: it is what the child sees).
    package var arguments: [String]
    /// The working directory (`dir:` resolved, or the config's folder).
    package var directory: String
    /// `NAME=value` entries: piloto's own environment, then the backend's `env:`, then `PORT`.
    package var environment: [String]

    package init(arguments: [String], directory: String, environment: [String]) {
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
    }

    /// - Parameters:
    ///   - configDirectory: where `piloto.yaml` lives; the directory when `dir:` is absent.
    ///   - inherited: piloto's environment (`ProcessEnvironment.current()`), kept in its order.
    ///   - extra: the backend's environment from the config (`PilotoConfig.childEnvironment(for:)`:
    ///     its `env:`, plus `PILOTO_SERVICE_NAME`/`PILOTO_IDENTITY_KEY` behind a signed route);
    ///     nil: its `env:` alone.
    package init(backend: Backend, configDirectory: String, inherited: [String], extra: [EnvVar]? = nil) {
        arguments = backend.run
        directory = backend.dir?.resolved ?? configDirectory
        environment = Self.environment(
            inherited: inherited,
            overrides: (extra ?? backend.env).map { ($0.name, $0.value) } + [("PORT", String(backend.port))])
    }

    /// `inherited` with each override replacing the entry of the same name in place, new names
    /// appended in the order given. `PORT` is always the backend's own port: on Cloud Run piloto's
    /// `PORT` is the ingress port, which the backend must not try to bind.
    package static func environment(inherited: [String], overrides: [(String, String)]) -> [String] {
        var result = inherited
        for (name, value) in overrides {
            let entry = name + "=" + value
            if let index = result.firstIndex(where: { Self.name(of: $0) == name }) {
                result[index] = entry
            } else {
                result.append(entry)
            }
        }
        return result
    }

    /// The value of `name` in this command's environment.
    package func variable(_ name: String) -> String? {
        for entry in environment where Self.name(of: entry) == name {
            return String(entry.dropFirst(name.utf8.count + 1))
        }
        return nil
    }

    private static func name(of entry: String) -> Substring {
        entry.prefix { $0 != "=" }
    }
}

/// piloto's own environment, in the order the kernel handed it over (environ(7)).
package enum ProcessEnvironment {
    package static func current() -> [String] {
        var result: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            result.append(String(cString: entry))
            cursor += 1
        }
        return result
    }
}

/// Finds argv[0] the way a shell does (execvp(3)): a name with a `/` is a path (relative to the
/// child's working directory); a bare name is searched in the child's own `PATH`, so a backend
/// `env: {PATH: .venv/bin:/usr/bin}` finds its virtual environment's `uvicorn`.
package enum ExecutableLookup {
    /// execvp's default when `PATH` is unset.
    package static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// The absolute path to execute, or why there is none.
    package static func resolve(_ name: String, path: String?, directory: String) -> Result<String, SpawnError> {
        guard !name.isEmpty else { return .failure(.emptyCommand) }
        if name.contains("/") {
            let candidate = absolute(name, in: directory)
            return isExecutableFile(candidate) ? .success(candidate) : .failure(.notExecutable(name))
        }
        for entry in (path ?? defaultPath).split(separator: ":", omittingEmptySubsequences: false) {
            let folder = entry.isEmpty ? "." : String(entry)  // an empty PATH entry is the current directory
            let candidate = absolute(folder + "/" + name, in: directory)
            if isExecutableFile(candidate) { return .success(candidate) }
        }
        return .failure(.notFound(name, path: path ?? defaultPath))
    }

    private static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}

/// Why a backend process could not be started. Never fatal to piloto: logged, status `down`,
/// retried with back-off.
package enum SpawnError: Error, Equatable, Sendable {
    case emptyCommand
    /// A bare argv[0] not found in any `PATH` entry.
    case notFound(String, path: String)
    /// A path argv[0] that is missing or not executable.
    case notExecutable(String)
    /// The working directory does not exist or is not a directory.
    case directoryMissing(String)
    /// pipe2(2), posix_spawn(3) or thread creation failed with this errno.
    case system(operation: String, code: Int32)

    /// One line for logs, readiness and stderr.
    package var message: String {
        switch self {
        case .emptyCommand: "run: is empty"
        case .notFound(let name, let path): "'\(name)' not found on PATH (\(path))"
        case .notExecutable(let name): "'\(name)' does not exist or is not executable"
        case .directoryMissing(let directory): "working directory '\(directory)' does not exist"
        case .system(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
