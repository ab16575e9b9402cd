/// The table of every key piloto.yaml accepts (see `KeySpec` for who reads it).
///
/// Key names of `piloto.example.yaml` are a contract with ops and CI: add keys, never rename.
package enum PilotoSchema {
    /// The top level, in documentation order.
    package static let root: [KeySpec] = [
        KeySpec("service", .section(service), .required, "What the deployment is called and where it lives."),
        KeySpec("scaling", .section(scaling), .implied, "Instances, resources and request limits on Cloud Run."),
        KeySpec("build", .section(build), .implied, "How the container image is built (the generated Dockerfile)."),
        KeySpec("server", .section(server), .implied, "How `piloto serve` listens, limits clients and shuts down."),
        KeySpec("cookies", .section(cookies), .implied, "The cookies the server sets."),
        KeySpec("sessions", .section(sessions), .implied, "Where server-side sessions live and who may log in."),
        KeySpec(
            "routes", .routes(routeKeys), .required,
            "Ordered prefix routes; the first whose prefix matches the request path wins (on a segment "
                + "boundary: `/api` matches `/api/x`, not `/apix`)."),
        KeySpec("backends", .map(keyLabel: "NAME", value: .section(backendKeys)), .implied, backendsSummary),
        KeySpec(
            "env", .map(keyLabel: "NAME", value: .string), .implied, example: "LOG_LEVEL: info",
            "Plain environment variables for the container. Values are taken as written (numbers and booleans "
                + "as their text). `PORT`, `K_SERVICE`, `K_REVISION` and `K_CONFIGURATION` are reserved by Cloud Run."),
        KeySpec(
            "secrets", .map(keyLabel: "NAME", value: .section(secretKeys)), .implied,
            "Environment variables filled from Secret Manager (`valueFrom.secretKeyRef`)."),
        KeySpec("monitoring", .section(monitoring), .implied, "Client country header, alert policies and re-evaluation triggers."),
        KeySpec("edge", .section(edge), .implied, edgeSummary),
        KeySpec("cost", .section(cost), .implied, costSummary),
        KeySpec(
            "realtime", .section(realtime), .implied,
            "Channel history and recovery on reconnect, presence debounce and proactive socket rotation "
                + "(see docs/websockets.md)."),
        KeySpec(
            "network", .section(network), .optional,
            "Private networking, needed to reach Memorystore Redis. Absent: no VPC access."),
        KeySpec(
            "environments", .overlays, .optional, example: "staging: {scaling: {max_instances: 1}}",
            "Named overlays selected with `--env NAME`. Each has the same shape as the whole file (any subset); "
                + "mappings merge key by key, lists (routes) and scalars replace. An overlay may only use keys "
                + "that exist in the base schema."),
    ]

    static let service: [KeySpec] = [
        KeySpec(
            "name", .string, .required, example: "piloto-vendas-app",
            "Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter, at most 49 characters."),
        KeySpec(
            "domain", .string, .required, example: "app.pilotodevendas.ia",
            "The one origin (`https://DOMAIN`) serving the SPA, the API and WebSockets. Note: `.ia` is not a "
                + "delegated top-level domain, so the example name will not resolve as written; use a real domain. "
                + "How it is reached is `edge.mode`: a load balancer with a managed certificate, or a domain "
                + "mapping where the region offers one."),
        KeySpec("project", .string, .optional, example: "${GCP_PROJECT:-piloto-vendas}", "GCP project id (enables trace correlation in logs)."),
        KeySpec("region", .string, .defaulted("southamerica-east1"), "Cloud Run region."),
        KeySpec(
            "image", .string, .required,
            example: "southamerica-east1-docker.pkg.dev/PROJECT/piloto/app:1.4.2",
            "Container image in Artifact Registry (`REGION-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG`), pinned by tag "
                + "or digest. `gcr.io` (Container Registry) is shut down, and `:latest` makes deploys unrepeatable."),
        KeySpec(
            "ingress", .choice(ServiceConfig.Ingress.allCases.map(\.rawValue)), .optional, example: "all",
            "Who may reach the service (`run.googleapis.com/ingress`). Default: `internal-and-cloud-load-balancing` "
                + "when `edge.mode` is `load_balancer` (so the load balancer's client headers cannot be forged through "
                + "`run.app`), else `all`."),
    ]

    static let scaling: [KeySpec] = [
        KeySpec("min_instances", .integer(0...1000), .defaulted("0"), "Instances kept warm; 0 scales to zero."),
        KeySpec("max_instances", .integer(1...1000), .defaulted("3"), "Upper bound on instances."),
        KeySpec(
            "concurrency", .integer(1...1000), .defaulted("80"),
            "Requests (and open WebSockets) per instance; Cloud Run accepts 1…1000, and CPU below 1 needs 1."),
        KeySpec(
            "cpu", .cpu, .defaulted("1"),
            "vCPU per instance: 1, 2, 4, 6 or 8, or 0.08…0.99 (needs concurrency 1, CPU throttling, gen1 and "
                + "at most 512Mi, or 1GiB from 0.5 CPU)."),
        KeySpec(
            "memory", .byteSize, .defaulted("512Mi"),
            "Memory per instance, 128Mi (gen1) or 512Mi (gen2) up to 32Gi. More than 4Gi needs 2 CPU, more than 8Gi "
                + "4, more than 16Gi 6, more than 24Gi 8; 4 CPU need at least 2Gi, 6 and 8 CPU at least 4Gi."),
        KeySpec("cpu_throttling", .boolean, .defaulted("true"), "true: CPU only while handling requests (cheaper); false: always allocated."),
        KeySpec("startup_cpu_boost", .boolean, .defaulted("true"), "Extra CPU while an instance starts."),
        KeySpec(
            "request_timeout", .duration, .defaulted("60m"),
            "Cloud Run's request timeout, at most 60m. It also bounds a WebSocket's life: the original design kept "
                + "Cloud Run's 300s default, which cuts every WebSocket after 5 minutes. Clients must still reconnect."),
        KeySpec(
            "session_affinity", .boolean, .defaulted("true"),
            "Best-effort routing of a client to the same instance (helps WebSockets and memory sessions)."),
        KeySpec(
            "execution_environment", .choice(ScalingConfig.ExecutionEnvironment.allCases.map(\.rawValue)),
            .defaulted("gen2"), "Cloud Run execution environment; gen2 needs at least 512Mi."),
    ]

    static let build: [KeySpec] = [
        KeySpec("swift", .string, .defaulted("6.1"), "Swift toolchain of the build image (`swift:VERSION-bookworm`)."),
        KeySpec("frontend", .section(frontend), .optional, "The SPA's Node build; absent when there is no frontend."),
        KeySpec(
            "backend", .section(backendBuild), .optional,
            "The Python build of the `run:` backends (a virtual environment in the image, the runtime stage on "
                + "`python:VERSION-slim-bookworm`); absent when no backend is built into the image."),
        KeySpec(
            "piloto", .section(pilotoSource), .optional,
            "Where the build stage gets piloto's sources: `{git, ref}` (cloned at a tag or commit) or `{path}` (a vendored copy or submodule in the build context). Absent: the build context is piloto's own repository (`path: .`)."),
    ]

    static let pilotoSource: [KeySpec] = [
        KeySpec(
            "git", .string, .optional, example: "https://github.com/example/piloto.git",
            "Repository cloned in the build stage (needs `ref`; excludes `path`)."),
        KeySpec(
            "ref", .string, .optional, example: "v1.0.0",
            "Tag or full 40-character commit of `git`; a branch name is warned (the image would not be reproducible)."),
        KeySpec(
            "path", .string, .optional, example: "vendor/piloto",
            "Folder in the build context holding piloto's `Package.swift`, `Sources` and `Tests` (excludes `git`)."),
    ]

    static let frontend: [KeySpec] = [
        KeySpec("path", .string, .required, example: "frontend", "The Node project folder, relative to the config file."),
        KeySpec("node", .string, .defaulted("20"), "Node major version of the build image."),
        KeySpec("install", .string, .defaulted("npm ci"), "Install command."),
        KeySpec("build", .string, .defaulted("npm run build"), "Build command."),
        KeySpec("output", .string, .defaulted("dist"), "Build output folder, relative to `path`."),
    ]

    static let server: [KeySpec] = [
        KeySpec("port", .integer(1...65535), .defaulted("8080"), "Listen port; the `PORT` environment variable wins."),
        KeySpec(
            "shutdown_grace", .duration, .defaulted("8s"),
            "Time from SIGTERM to exit; must stay below Cloud Run's 10 s before SIGKILL."),
        KeySpec("access_log", .boolean, .defaulted("false"), "Per-request log lines (Cloud Run already logs every request)."),
        KeySpec("workers", .integer(0...256), .defaulted("0"), "Event-loop threads; 0 means one per CPU core."),
        trustedHops,
        KeySpec("limits", .section(limits), .implied, "Every limit on what a client controls."),
        KeySpec(
            "headers", .map(keyLabel: "Header-Name", value: .string), .implied,
            example: "X-Content-Type-Options: nosniff", "Headers added to every response, in file order."),
    ]

    static let limits: [KeySpec] = [
        KeySpec("header_bytes", .byteSize, .defaulted("32KiB"), "Request line plus header lines; beyond → 431."),
        KeySpec(
            "body_bytes", .byteSize, .defaulted("1MiB"),
            "Request body; beyond → 413. A proxy route's `max_body` replaces it on that route."),
        KeySpec("header_timeout", .duration, .defaulted("10s"), "Time to receive a complete request head; beyond → 408."),
        KeySpec("body_timeout", .duration, .defaulted("30s"), "Time to receive the body once the head is read; beyond → 408."),
        KeySpec("idle_timeout", .duration, .defaulted("60s"), "Keep-alive idle time before the connection is closed."),
        KeySpec("max_connections", .integer(1...1_000_000), .defaulted("1000"), "Open connections per instance."),
        KeySpec("max_header_count", .integer(1...10_000), .defaulted("100"), "Header fields per request; beyond → 431."),
    ]

    static let cookies: [KeySpec] = [
        KeySpec("session", .section(sessionCookie), .implied, "The session cookie's `Set-Cookie` attributes.")
    ]

    static let sessionCookie: [KeySpec] = [
        KeySpec("name", .string, .defaulted("session_id"), "Cookie name; a `__Host-` name needs secure, path `/` and no domain."),
        KeySpec("http_only", .boolean, .defaulted("true"), "`HttpOnly`: scripts cannot read the cookie."),
        KeySpec("secure", .boolean, .defaulted("true"), "`Secure`: HTTPS only."),
        KeySpec(
            "same_site", .choice(SessionCookie.SameSite.allCases.map(\.rawValue)), .defaulted("lax"),
            "`SameSite`; `none` needs `secure: true`. One origin for SPA, API and WebSockets keeps `lax` working."),
        KeySpec("max_age", .duration, .defaulted("7d"), "`Max-Age`."),
        KeySpec("path", .string, .defaulted("/"), "`Path`."),
        KeySpec(
            "domain", .string, .optional, example: "pilotodevendas.ia",
            "`Domain`. Leave it out: a host-only cookie is the strict choice for one origin. The original design's "
                + "explicit domain also sends the cookie to every subdomain. When set it must be the service domain "
                + "or a parent of it."),
    ]

    static let sessions: [KeySpec] = [
        KeySpec(
            "store", .choice(SessionsConfig.Store.allCases.map(\.rawValue)), .defaulted("memory"),
            "`memory`: per instance (lost on scale-in; fine for one instance); `redis`: shared by every instance."),
        KeySpec(
            "redis_url", .string, .defaulted("redis://127.0.0.1:6379"),
            "`redis://[user:pass@]host:port/db`. `rediss://` (TLS) is not supported: reach Memorystore over the VPC."),
        KeySpec("ttl", .duration, .defaulted("7d"), "Session lifetime."),
        KeySpec(
            "users_file", .string, .optional, example: "users.txt",
            "One `login:crypt-hash` a line (made by `piloto passwd LOGIN`), relative to the config file."),
        KeySpec("max_sessions", .integer(1...10_000_000), .defaulted("10000"), "Live sessions per instance; the oldest are evicted."),
        identityKey,
    ]

    static let secretKeys: [KeySpec] = [
        KeySpec("secret", .string, .required, example: "db-url", "The Secret Manager secret name."),
        KeySpec(
            "version", .string, .required, example: "\"1\"",
            "The secret VERSION (a positive integer, or `latest`, which is warned): Cloud Run's `secretKeyRef.key` "
                + "is the version, not a field inside the secret as the original design's `key: url` assumed."),
    ]

    static let monitoring: [KeySpec] = [
        KeySpec(
            "country_header", .string, .optional, example: "X-Client-Region",
            "Request header with the client's country or region, added by the external HTTPS load balancer as a "
                + "custom header (`X-Client-Region: {client_region}`). `CloudFront-Viewer-Country` is AWS's; "
                + "Cloud Run itself adds none."),
        KeySpec(
            "rtt_header", .string, .optional, example: "X-Client-RTT-Ms",
            "Request header with the client's round-trip time in milliseconds, added by the load balancer "
                + "(`X-Client-RTT-Ms: {client_rtt_msec}`). The dashboard adds it to server time to show latency as "
                + "users feel it, per country. Needs `edge.mode: load_balancer`."),
        KeySpec("alerts", .section(alerts), .implied, "One Cloud Monitoring alert policy per threshold set."),
        KeySpec(
            "notification_channels", .list(.string), .implied,
            example: "[projects/P/notificationChannels/123]", "Notification channel resource names."),
        KeySpec("triggers", .section(triggers), .implied, "The original design's \"re-evaluate the architecture\" thresholds."),
    ]

    static let alerts: [KeySpec] = [
        KeySpec("latency_p99", .duration, .optional, example: "1000ms", "Alert when request latency p99 exceeds this."),
        KeySpec("cpu", .percentage, .optional, example: "70%", "Alert when container CPU utilization exceeds this."),
        KeySpec("memory", .percentage, .optional, example: "80%", "Alert when container memory utilization exceeds this."),
        KeySpec("error_rate", .percentage, .optional, example: "1%", "Alert when the 5xx share of requests exceeds this."),
        KeySpec("for", .duration, .defaulted("5m"), "How long a condition must hold before it fires."),
    ]

    static let triggers: [KeySpec] = [
        KeySpec("concurrent_users", .integer(0...100_000_000), .optional, example: "200", "Concurrent users."),
        KeySpec("latency_us", .duration, .optional, example: "500ms", "Latency seen by clients in the US."),
        KeySpec("cpu", .percentage, .optional, example: "70%", "Sustained CPU."),
        KeySpec("requests_per_second", .integer(0...100_000_000), .optional, example: "1000", "Requests per second."),
        KeySpec("monthly_cost_usd", .integer(0...100_000_000), .optional, example: "500", "Monthly cost in USD."),
    ]

    static let network: [KeySpec] = [
        KeySpec("vpc", .string, .optional, example: "default", "Direct VPC egress: the network name."),
        KeySpec("subnet", .string, .optional, example: "default", "Direct VPC egress: the subnet (defaults to the network's)."),
        KeySpec("connector", .string, .optional, example: "piloto-connector", "A Serverless VPC Access connector instead of direct egress."),
        KeySpec(
            "egress", .choice(NetworkConfig.Egress.allCases.map(\.rawValue)), .defaulted("private-ranges-only"),
            "Which outbound traffic goes through the VPC."),
    ]
}
