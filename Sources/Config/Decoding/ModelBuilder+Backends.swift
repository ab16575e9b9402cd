/// Decoding of `backends:`, `build.backend`, proxy routes, `server.trusted_hops` and
/// `sessions.identity_key`, kept apart from the main decoder (issues 11 and 12).
///
/// `identity:` on a proxy route is `.optional` in the table because its default depends on other
/// keys (`sessions.identity_key`, whether any route uses sessions); `resolveIdentityDefaults`
/// fills it once the whole model exists.
extension ModelBuilder {
    /// `backends:` in file order (the map keeps the file's order; never a Dictionary).
    func backends(_ root: KeyReader) throws(SchemaDefect) -> [Backend] {
        var result: [Backend] = []
        for entry in try root.sectionEntries("backends") {
            let b = entry.reader
            var secrets: [SecretRef] = []
            for secret in try b.sectionEntries("secrets") {
                secrets.append(SecretRef(
                    envName: secret.name, secret: try secret.reader.read("secret"), version: try secret.reader.read("version")))
            }
            result.append(Backend(
                name: entry.name, port: try b.read("port", as: Int?.self) ?? 0, run: try b.read("run"),
                dir: try b.read("dir", as: String?.self).map(path), health: try b.read("health"),
                env: try b.entries("env", as: String.self).map { EnvVar(name: $0.name, value: $0.value) },
                image: try b.read("image"), cpu: try b.read("cpu"), memory: try b.read("memory"), secrets: secrets))
        }
        return result
    }

    func backendBuild(_ s: KeyReader) throws(SchemaDefect) -> BackendBuild {
        BackendBuild(path: path(try s.read("path")), python: try s.read("python"), install: try s.read("install"))
    }

    /// A `handler: proxy` route's options; nil when `upstream` was rejected (already reported).
    func proxyRoute(_ s: KeyReader) throws(SchemaDefect) -> ProxyRoute? {
        guard let upstream = try s.read("upstream", as: String?.self) else { return nil }
        return ProxyRoute(
            upstream: upstream, stripPrefix: try s.read("strip_prefix"), connectTimeout: try s.read("connect_timeout"),
            timeout: try s.read("timeout"), idleTimeout: try s.read("idle_timeout"), hold: try s.read("hold"),
            retry: try s.read("retry"), maxBody: try s.read("max_body"), websocket: try s.read("websocket"),
            // Placeholder when absent: resolveIdentityDefaults sets the default.
            identity: try s.read("identity", as: ProxyIdentity?.self) ?? .off)
    }

    /// `backends:`, `build.backend`, `server.trusted_hops`, `sessions.identity_key`, then the identity
    /// default of every proxy route at `unwrittenIdentity` (positions in `config.routes`).
    func addBackends(_ root: KeyReader, to config: inout PilotoConfig, unwrittenIdentity: [Int]) throws(SchemaDefect) {
        config.backends = try backends(root)
        config.build.backend = try root.section("build").optionalSection("backend").map { (b) throws(SchemaDefect) in
            try backendBuild(b)
        }
        config.server.trustedHops = try root.section("server").read("trusted_hops")
        config.sessions.identityKey = try root.section("sessions").read("identity_key")
        let identity = Self.defaultIdentity(config)
        for position in unwrittenIdentity {
            if case .proxy(var proxy) = config.routes[position].handler {
                proxy.identity = identity
                config.routes[position].handler = .proxy(proxy)
            }
        }
    }

    /// `signed` when there is a key to sign with, else `headers` when some route uses sessions (there
    /// is a user to name), else `off`.
    static func defaultIdentity(_ config: PilotoConfig) -> ProxyIdentity {
        if config.sessions.identityKey != nil { return .signed }
        return config.usesSessions ? .headers : .off
    }
}

extension ModelBuilder {
    /// `NAME` when `sessions.identity_key` is written as exactly `${NAME}` or `${NAME:-default}`
    /// (the selected overlay's value first), read before interpolation replaces it.
    static func identityKeyVariable(overlay: YAMLMapping?, document: YAMLMapping) -> String? {
        for mapping in [overlay, document] {
            guard case .mapping(let sessions)? = mapping?["sessions"], case .scalar(let key)? = sessions["identity_key"] else {
                continue
            }
            let text = key.text
            guard text.hasPrefix("${"), text.hasSuffix("}"), text.filter({ $0 == "}" }).count == 1 else { return nil }
            var name = text.dropFirst(2).dropLast()
            if let range = name.firstRange(of: ":-") { name = name[..<range.lowerBound] }
            return Interpolator.isValidName(String(name)) ? String(name) : nil
        }
        return nil
    }
}

extension ProxyRetry: ConfigChoice {}
extension ProxyIdentity: ConfigChoice {}
