/// The whole of a validated `piloto.yaml`, after interpolation, overlays and defaults.
///
/// Generators and Runtime see only this value: no YAML nodes, no positions. One section per
/// top-level key of the file, in the file's order.
package struct PilotoConfig: Sendable, Equatable {
    /// The config file as the user named it (e.g. `piloto.yaml`), for generated headers and messages.
    package var sourceName: String
    /// The selected overlay from `environments:` (nil for the base config).
    package var environment: String?

    package var service: ServiceConfig
    package var scaling: ScalingConfig
    package var build: BuildConfig
    package var server: ServerConfig
    package var cookies: CookiesConfig
    package var sessions: SessionsConfig
    /// Ordered: the first route whose prefix matches wins.
    package var routes: [Route]
    /// Plain environment variables, sorted by name (deterministic output).
    package var env: [EnvVar]
    /// Secret Manager references, sorted by environment variable name.
    package var secrets: [SecretRef]
    package var monitoring: MonitoringConfig
    /// Private networking for Cloud Run (needed to reach Memorystore); nil when not configured.
    package var network: NetworkConfig?
    /// Names of the overlays declared under `environments:`, in file order.
    package var environmentNames: [String]
    /// Load balancer, domain mapping or run.app only (defaults depend on the region).
    package var edge: EdgeConfig = .defaults(region: "southamerica-east1")
    /// A month of expected traffic, for `piloto cost`.
    package var cost: CostUsage = .zero
    /// Channel history, recovery, presence debounce and socket rotation.
    package var realtime: RealtimeConfig = .defaults
    /// `backends:` in file order: processes piloto runs (`run:`) or sidecars (`image:`) behind proxy routes.
    package var backends: [Backend] = []
}

/// A path written in the config, kept both as written (for generated artifacts, which must not
/// contain absolute paths) and resolved against the config file's folder (for the runtime).
package struct ConfigPath: Sendable, Equatable, Hashable {
    /// Exactly as written in the YAML, e.g. `frontend/dist`.
    package var asWritten: String
    /// Absolute, resolved against the directory that holds the config file.
    package var resolved: String
}

extension PilotoConfig {
    /// Where a proxy route's `upstream:` points: a backend of `backends:` (on 127.0.0.1) or an
    /// `http://host:port[/base]` URL; nil when it is neither (validate reports it).
    package func upstreamAddress(for upstream: String) -> UpstreamAddress? {
        if let backend = backends.first(where: { $0.name == upstream }) {
            return UpstreamAddress(host: "127.0.0.1", port: backend.port, basePath: "", label: backend.name)
        }
        let scheme = "http://"
        guard upstream.hasPrefix(scheme) else { return nil }
        let rest = upstream.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        var base = String(rest.dropFirst(authority.count))
        while base.hasSuffix("/") { base.removeLast() }
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        let host = String(authority[..<colon])
        guard !host.isEmpty else { return nil }
        return UpstreamAddress(host: host, port: port, basePath: base, label: upstream)
    }
}
