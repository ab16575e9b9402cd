/// One entry of `backends:`: a process or service behind piloto, reached on loopback by
/// `handler: proxy` routes that name it (`upstream: api`). File order is kept.
package struct Backend: Sendable, Equatable {
    /// The key under `backends:`; routes name it in `upstream:`.
    package var name: String
    /// Where it listens on 127.0.0.1.
    package var port: Int
    /// `run:` argv: piloto starts and supervises it (argv[0] looked up on PATH). Empty: not run by piloto.
    package var run: [String]
    /// Working directory for `run` (resolved against the config's folder); nil: the config's folder.
    package var dir: ConfigPath?
    /// `GET` path answering 2xx when ready; nil: ready once the port accepts a connection.
    package var health: String?
    /// Extra environment for `run` (and the sidecar container), in file order.
    package var env: [EnvVar]
    /// `image:`: a Cloud Run sidecar container instead of a child process (issue 12).
    package var image: String?
    /// Sidecar resources (`cpu`, `memory`), nil: Cloud Run's defaults.
    package var cpu: String?
    package var memory: ByteSize?
    /// Sidecar secrets, in the shape of the top-level `secrets:`.
    package var secrets: [SecretRef]

    package init(
        name: String, port: Int, run: [String] = [], dir: ConfigPath? = nil, health: String? = nil, env: [EnvVar] = [],
        image: String? = nil, cpu: String? = nil, memory: ByteSize? = nil, secrets: [SecretRef] = []
    ) {
        self.name = name
        self.port = port
        self.run = run
        self.dir = dir
        self.health = health
        self.env = env
        self.image = image
        self.cpu = cpu
        self.memory = memory
        self.secrets = secrets
    }
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

    package init(host: String, port: Int, basePath: String, label: String) {
        self.host = host
        self.port = port
        self.basePath = basePath
        self.label = label
    }
}
