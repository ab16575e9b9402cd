/// One entry of `backends:`: a process or service behind piloto, reached on loopback by
/// `handler: proxy` routes that name it (`upstream: api`). File order is kept.
package struct Backend: Sendable, Equatable {
    /// The key under `backends:`; routes name it in `upstream:`.
    package var name: String
    /// Where it listens on 127.0.0.1.
    package var port: Int
    /// `run:` argv: piloto starts and supervises it (argv[0] looked up on PATH). Empty: not run by piloto.
    package var run: [String] = []
    /// Working directory for `run` (resolved against the config's folder); nil: the config's folder.
    package var dir: ConfigPath?
    /// `GET` path answering 2xx when ready; nil: ready once the port accepts a connection.
    package var health: String?
    /// Extra environment for `run` (and the sidecar container), in file order.
    package var env: [EnvVar] = []
    /// `image:`: a Cloud Run sidecar container instead of a child process (issue 12).
    package var image: String?
    /// Sidecar resources (`cpu`, `memory`), nil: Cloud Run's defaults (1 CPU, 512Mi).
    package var cpu: CPU?
    package var memory: ByteSize?
    /// Sidecar secrets, in the shape of the top-level `secrets:`.
    package var secrets: [SecretRef] = []
}

/// Where a proxy route sends requests, resolved from `upstream:` (a backend name or a URL).
package struct UpstreamAddress: Sendable, Equatable, Hashable {
    /// Host to connect to (an IP literal or name; backends are `127.0.0.1`).
    package var host: String
    package var port: Int
    /// Path prefix put before the forwarded path (`http://h:1/base` → `/base`); "" for none.
    package var basePath: String
    /// The backend's name when `upstream:` named one (metrics label and readiness), else the URL.
    package var label: String
}

extension Backend {
    /// True for a backend piloto starts and supervises (`run:`), false for a sidecar or an outside service.
    package var isRun: Bool { !run.isEmpty }
    /// True for a Cloud Run sidecar container (`image:`).
    package var isSidecar: Bool { image != nil }
}

/// `build.backend:` — the Python project of the `run:` backends, built into the image (issue 12).
package struct BackendBuild: Sendable, Equatable {
    /// The Python project folder (holding `requirements.txt`), relative to the config file.
    package var path: ConfigPath
    /// Python version of the backend and runtime stages, e.g. `3.12` → `python:3.12-slim-bookworm`.
    package var python: String
    /// Install command, run in `path` with the virtual environment's `pip` first on PATH.
    package var install: String
}
