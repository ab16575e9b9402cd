/// `backends:`, `build.backend`, the proxy route keys, `server.trusted_hops` and
/// `sessions.identity_key` (issues 11 and 12). Facts: research/proxy-sidecar.md.
extension PilotoSchema {
    static let backendsSummary =
        "Processes and services behind `handler: proxy` routes, by name (routes say `upstream: NAME`), in file "
        + "order. A `run:` backend is a child process `piloto serve` starts, supervises and restarts (in the same "
        + "image: `build.backend`); an `image:` backend is a Cloud Run sidecar container in `service.yaml`. Both "
        + "listen on `port` on loopback. See docs/proxy.md."

    static let backendKeys: [KeySpec] = [
        KeySpec(
            "port", .integer(1...65535), .required, example: "8000",
            "Where the backend listens on 127.0.0.1 (a sidecar shares the instance's loopback). Unique among backends "
                + "and not `server.port`."),
        KeySpec(
            "run", .list(.string), .implied, example: "[uvicorn, app.main:app, --host, 127.0.0.1, --port, \"8000\"]",
            "argv piloto starts and supervises (argv[0] looked up on PATH; no shell). Excludes `image`. Bind "
                + "127.0.0.1: only piloto needs to reach it."),
        KeySpec(
            "dir", .string, .optional, example: "backend",
            "Working directory for `run`, relative to the config file (default: the config file's folder)."),
        KeySpec(
            "health", .string, .optional, example: "/healthz",
            "`GET` path answering 2xx when the backend is ready (readiness, and a sidecar's startup probe, which "
                + "needs one). Absent: ready once the port accepts a connection."),
        KeySpec(
            "env", .map(keyLabel: "NAME", value: .string), .implied, example: "LOG_LEVEL: info",
            "Extra environment for this backend only (the child process or the sidecar container), in file order."),
        KeySpec(
            "image", .string, .optional, example: "southamerica-east1-docker.pkg.dev/PROJECT/piloto/api:1.4.2",
            "A Cloud Run sidecar container image instead of `run` (excludes `run`). It must listen on 0.0.0.0:`port` "
                + "(Cloud Run's probes do not reach 127.0.0.1); only piloto, the ingress container, is reachable "
                + "from outside."),
        KeySpec("cpu", .cpu, .optional, example: "1", "Sidecar CPU limit (`image:` only); the instance total is checked."),
        KeySpec("memory", .byteSize, .optional, example: "512Mi", "Sidecar memory limit (`image:` only)."),
        KeySpec(
            "secrets", .map(keyLabel: "NAME", value: .section(secretKeys)), .implied,
            "Secret Manager variables for this backend, in the shape of the top-level `secrets:`: on the sidecar's "
                + "container only for an `image:` backend (piloto's container does not get them); in piloto's container "
                + "for a `run:` backend, whose process inherits them."),
    ]

    static let backendBuild: [KeySpec] = [
        KeySpec("path", .string, .required, example: "backend", "The Python project folder, relative to the config file."),
        KeySpec(
            "python", .string, .defaulted("3.12"),
            "Python version of the backend stage and of the runtime stage (`python:VERSION-slim-bookworm`)."),
        KeySpec(
            "install", .string, .defaulted("pip install --no-cache-dir -r requirements.txt"),
            "Install command, run in `path` inside a virtual environment that is copied whole into the image."),
    ]

    static let proxyRouteKeys: [KeySpec] = [
        KeySpec(
            "upstream", .string, .required, example: "api", handlers: [.proxy],
            "A `backends:` name, or `http://host:port[/base]` of a backend piloto does not run."),
        KeySpec(
            "strip_prefix", .boolean, .defaulted("false"), handlers: [.proxy],
            "false: forward the path as received; true: without the route prefix (`/api/clientes/7` → `/7`)."),
        KeySpec("connect_timeout", .duration, .defaulted("2s"), handlers: [.proxy], "Each connect attempt to the upstream."),
        KeySpec(
            "timeout", .duration, .defaulted("60s"), handlers: [.proxy],
            "From the request sent to the first response byte; beyond → 504."),
        KeySpec(
            "idle_timeout", .duration, .defaulted("300s"), handlers: [.proxy],
            "Silence on an open response body, stream or tunnel; beyond, the connection is closed."),
        KeySpec(
            "hold", .duration, .defaulted("10s"), handlers: [.proxy],
            "A refused connect (the backend restarting) is retried until this elapses; then 502."),
        KeySpec(
            "retry", .choice(ProxyRetry.allCases.map(\.rawValue)), .defaulted("safe"), handlers: [.proxy],
            "`safe`: replay only a request that never reached the upstream, a GET/HEAD/OPTIONS without body, or one "
                + "with `Idempotency-Key` (a POST is never executed twice); `off`: never replay."),
        KeySpec(
            "max_body", .byteSize, .optional, example: "32MiB", handlers: [.proxy],
            "Request body limit on this route (413), instead of `server.limits.body_bytes`. Above 32MiB is warned: "
                + "Cloud Run caps HTTP/1 request bodies at 32 MiB."),
        KeySpec(
            "websocket", .boolean, .defaulted("false"), handlers: [.proxy],
            "Forward `Upgrade: websocket` (only that upgrade; the Origin allowlist and `auth` still apply)."),
        KeySpec(
            "identity", .choice(ProxyIdentity.allCases.map(\.rawValue)), .optional, example: "signed", handlers: [.proxy],
            "How the logged-in user is told to the backend: `off`; `headers` (`X-Piloto-User: LOGIN`, only for a "
                + "backend nobody else can reach); `signed` (`X-Piloto-Assertion`: an HS256 JWT with "
                + "`sessions.identity_key`, 60 s). Client copies of both are always dropped. Default: `signed` when "
                + "`sessions.identity_key` is set, else `headers` when some route uses sessions (an `auth` route or "
                + "`auth: required`), else `off`."),
    ]

    static let trustedHops = KeySpec(
        "trusted_hops", .integer(0...16), .defaulted("1"),
        "How many proxies in front of piloto append to `X-Forwarded-For` (Cloud Run's front end: 1): the client "
            + "address is that many entries from the right; 0 trusts none (the socket peer).")

    static let identityKey = KeySpec(
        "identity_key", .string, .optional, example: "${PILOTO_IDENTITY_KEY}",
        "HS256 key for `identity: signed`, used as its UTF-8 bytes (at least 32), shared with the backends that "
            + "verify `X-Piloto-Assertion`. Write it as `${VAR}` and fill VAR from `secrets:`: `generate` then also "
            + "gives that secret to every sidecar behind an `identity: signed` route (as `PILOTO_IDENTITY_KEY`, with "
            + "`PILOTO_SERVICE_NAME`, the JWT's `aud`).")
}
