/// WebSocket, sessions, env/secrets and network rules: the ones where Cloud Run's behaviour and
/// the server's must agree.
extension Validator {
    mutating func checkWebSockets() {
        guard let first = config.routes.firstIndex(where: { if case .websocket = $0.handler { true } else { false } })
        else { return }
        let index = first < routeIndices.count ? routeIndices[first] : first
        let handlerPath = Self.routePath(index, "handler")
        let scaling = config.scaling
        if !scaling.sessionAffinity {
            report(.warning, at: sourceMap.isWritten("scaling.session_affinity") ? "scaling.session_affinity" : handlerPath,
                "WebSocket routes work best with session_affinity: true (reconnects reach the same instance)",
                inputs: ["scaling.session_affinity"])
        }
        // Cloud Run closes a WebSocket when the request timeout elapses (the load balancer's own cap is 60m).
        if scaling.requestTimeout < .minutes(60) {
            report(.warning,
                at: sourceMap.isWritten("scaling.request_timeout") ? "scaling.request_timeout" : handlerPath,
                "WebSockets are cut at \(Self.describe(scaling.requestTimeout)) (Cloud Run's request_timeout); "
                    + "use 60m, the most Cloud Run and the load balancer allow, and reconnect in the client",
                inputs: ["scaling.request_timeout"])
        }
    }

    mutating func checkSessions() {
        let sessions = config.sessions
        let url = sessions.redisURL
        if url.hasPrefix("rediss://") {
            report(.error, at: "sessions.redis_url", "TLS to Redis is not supported; use redis:// over the VPC")
        } else if !Self.isRedisURL(url) {
            report(.error, at: "sessions.redis_url", "invalid redis_url '\(url)': expected redis://[user:pass@]host:port[/db]")
        }
        if sessions.ttl < .seconds(1) {
            report(.error, at: "sessions.ttl", "ttl must be at least 1s")
        }
        let statefulRoutes = config.hasWebSockets || config.usesSessions
        if sessions.store == .memory && config.scaling.maxInstances > 1 && statefulRoutes {
            let stateful = config.routes.firstIndex {
                if case .websocket = $0.handler { return true }
                return $0.handler == .auth || $0.authRequired
            }
            let routeIndex = stateful.map { $0 < routeIndices.count ? routeIndices[$0] : $0 } ?? 0
            let at = sourceMap.isWritten("scaling.max_instances") ? "scaling.max_instances" : Self.routePath(routeIndex, "handler")
            report(.warning, at: at,
                "max_instances is \(config.scaling.maxInstances) with sessions.store: memory and WebSocket or auth routes: "
                    + "sessions and channels would split across instances; use sessions.store: redis or max_instances: 1",
                inputs: ["sessions.store", "scaling.max_instances"])
        }
        let authIndex = config.routes.firstIndex { $0.handler == .auth }
        if let protected = config.routes.firstIndex(where: \.authRequired) {
            let index = protected < routeIndices.count ? routeIndices[protected] : protected
            if authIndex == nil {
                report(.warning, at: Self.routePath(index, "auth"),
                    "this route requires auth but no 'auth' route exists, so nobody can log in")
            }
        }
        if let authIndex, sessions.usersFile == nil {
            let index = authIndex < routeIndices.count ? routeIndices[authIndex] : authIndex
            report(.warning, at: Self.routePath(index, "handler"),
                "an 'auth' route without sessions.users_file: nobody can log in (create one with 'piloto passwd LOGIN')")
        }
        // The generated Dockerfile copies the users file into the image, so a missing one fails the
        // image build at that COPY (`piloto init` writes the key before the file exists). A warning:
        // CI may create it from a secret before `docker build`. Not checked when serving (the
        // server refuses to start without it, with its own message).
        if checksBuildSources, let users = sessions.usersFile, !PilotoConfig.fileExists(users.resolved) {
            report(.warning, at: "sessions.users_file",
                "'\(users.asWritten)' does not exist: the Dockerfile copies it, so the image build would fail; "
                    + "create it with 'piloto passwd LOGIN >> \(users.asWritten)'")
        }
        // Memorystore has only a private IP, so Cloud Run needs VPC egress. The generator does not
        // leave it out: without `network:` it writes Direct VPC egress on the `default` network
        // (ServiceGenerator.networkAnnotations). A warning, not an error: that default is right for
        // many projects, and whether the VPC exists is only known at deploy time.
        if sessions.store == .redis && config.network == nil && !Self.isLoopbackRedis(url) {
            report(.warning, at: "sessions.store",
                "sessions.store: redis without network: service.yaml assumes direct VPC egress on the 'default' "
                    + "network and subnet to reach Memorystore; add network: (vpc or connector) if Redis is elsewhere")
        }
    }

    mutating func checkEnvironment() {
        let reserved = ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"]
        for variable in config.env {
            let path = "env.\(variable.name)"
            if reserved.contains(variable.name) {
                report(.error, at: path, key: true, "'\(variable.name)' is reserved: Cloud Run sets it")
            } else if !Interpolator.isValidName(variable.name) {
                report(.error, at: path, key: true,
                    "invalid environment variable name '\(variable.name)' (letters, digits and _, not starting with a digit)")
            }
        }
        for secret in config.secrets {
            let path = "secrets.\(secret.envName)"
            if reserved.contains(secret.envName) {
                report(.error, at: path, key: true, "'\(secret.envName)' is reserved: Cloud Run sets it")
            } else if !Interpolator.isValidName(secret.envName) {
                report(.error, at: path, key: true, "invalid environment variable name '\(secret.envName)'")
            }
            if config.env.contains(where: { $0.name == secret.envName }) {
                report(.error, at: path, key: true, "'\(secret.envName)' is set both in env: and in secrets:")
            }
            if !Self.isSecretName(secret.secret) {
                report(.error, at: path + ".secret",
                    "invalid secret name '\(secret.secret)' (letters, digits, - and _, at most 255)")
            }
            if secret.version == "latest" {
                report(.warning, at: path + ".version",
                    "secret version 'latest' changes under a running service; pin a version like \"1\"")
            } else if !(ScalarParsing.integer(secret.version).map { $0 > 0 } ?? false) || secret.version.hasPrefix("0") {
                report(.error, at: path + ".version",
                    "secret version must be a positive integer or 'latest', found '\(secret.version)' "
                        + "(Cloud Run's secretKeyRef key is the version, not a field of the secret)")
            }
        }
    }

    mutating func checkNetwork() {
        guard let network = config.network else { return }
        if network.vpc != nil && network.connector != nil {
            report(.error, at: "network.connector", "use either vpc (direct VPC egress) or connector, not both")
        }
        if network.subnet != nil && network.vpc == nil {
            report(.error, at: "network.subnet", "subnet needs vpc")
        }
        if network.vpc == nil && network.connector == nil {
            report(.error, at: "network", key: true, "network needs vpc (direct VPC egress) or connector")
        }
    }

    /// `redis://[user:pass@]host:port[/db]`.
    static func isRedisURL(_ url: String) -> Bool {
        guard url.hasPrefix("redis://") else { return false }
        var rest = Substring(url.dropFirst("redis://".count))
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            guard userinfo.contains(":") || !userinfo.isEmpty else { return false }
            rest = rest[rest.index(after: at)...]
        }
        let slash = rest.firstIndex(of: "/")
        let authority = slash.map { rest[..<$0] } ?? rest
        if let slash {
            let db = rest[rest.index(after: slash)...]
            guard let n = Int(db), n >= 0, n <= 15, db.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        guard let colon = authority.lastIndex(of: ":") else { return false }
        let host = authority[..<colon]
        let port = authority[authority.index(after: colon)...]
        guard !host.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let p = Int(port), (1...65535).contains(p)
        else { return false }
        return host.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "."
        }
    }

    static func isLoopbackRedis(_ url: String) -> Bool {
        url.contains("@127.0.0.1:") || url.hasPrefix("redis://127.0.0.1:") || url.hasPrefix("redis://localhost:")
    }

    static func isSecretName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255
            && name.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_"
            }
    }
}
