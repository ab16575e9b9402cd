/// `backends:`, `build.backend`, proxy route and identity rules (issues 11 and 12).
///
/// Cloud Run facts (research/proxy-sidecar.md): at most 10 containers an instance, only the
/// ingress container has a port, a container another one waits for needs a startup probe, HTTP/1
/// request bodies are capped at 32 MiB, an instance has at most 8 vCPU and 32 GiB in total.
extension Validator {
    /// Cloud Run's HTTP/1 request body cap: a larger `max_body` can never be reached.
    static let cloudRunBodyCap = ByteSize.mebibytes(32)
    /// Containers per instance, the ingress included.
    static let maximumContainers = 10
    /// Cloud Run's per-container defaults when a sidecar leaves `cpu`/`memory` out.
    static let sidecarDefaultCPU = CPU.cores(1)
    static let sidecarDefaultMemory = ByteSize.mebibytes(512)

    mutating func checkBackends() {
        var ports: [Int: String] = [:]
        for backend in config.backends {
            let base = "backends.\(backend.name)"
            if !Self.isContainerName(backend.name) {
                report(.error, at: base, key: true,
                    "backend name '\(backend.name)' must be a DNS label (lowercase letters, digits and '-', starting with a "
                        + "letter, at most 63) and not 'piloto': it names a container and a metrics label")
            }
            if backend.port == config.server.port {
                report(.error, at: "\(base).port",
                    "backend port \(backend.port) is server.port: piloto listens there itself", inputs: ["server.port"])
            } else if let first = ports[backend.port] {
                let mark = sourceMap.value("backends.\(first).port")
                let note = Diagnostic(
                    severity: .note, file: file, line: mark.line, column: mark.column,
                    message: "port \(backend.port) first used by backend '\(first)' here")
                report(.error, at: "\(base).port", "backend '\(backend.name)' uses port \(backend.port) like '\(first)'",
                    notes: [note])
            } else if backend.port > 0 {
                ports[backend.port] = backend.name
            }
            if let health = backend.health, !health.hasPrefix("/") {
                report(.error, at: "\(base).health", "health must be a path starting with '/', found '\(health)'")
            }
            if backend.isRun && backend.isSidecar {
                report(.error, at: "\(base).image", key: true,
                    "a backend has either run (a child process in piloto's container) or image (a sidecar container), not both",
                    inputs: ["\(base).run"])
            }
            if backend.isRun { checkRunBackend(backend, base: base) }
            if backend.isSidecar { checkSidecar(backend, base: base) }
            if !backend.isSidecar {
                for key in ["cpu", "memory"] where sourceMap.isWritten("\(base).\(key)") {
                    report(.warning, at: "\(base).\(key)", key: true,
                        "\(key) only applies to an image: backend (a sidecar container); a run: backend shares piloto's")
                }
            }
            for variable in backend.env where !Interpolator.isValidName(variable.name) {
                report(.error, at: "\(base).env.\(variable.name)", key: true,
                    "invalid environment variable name '\(variable.name)' (letters, digits and _, not starting with a digit)")
            }
        }
        checkSidecarTotals()
        checkBackendBuild()
    }

    private mutating func checkRunBackend(_ backend: Backend, base: String) {
        if backend.run.contains("0.0.0.0") {
            report(.warning, at: "\(base).run",
                "run: backend '\(backend.name)' binds 0.0.0.0; only piloto reaches it, so bind 127.0.0.1")
        }
        if let dir = backend.dir, !PilotoConfig.directoryExists(dir.resolved) {
            report(.warning, at: "\(base).dir",
                "folder '\(dir.asWritten)' (\(dir.resolved)) does not exist: backend '\(backend.name)' cannot start there")
        }
    }

    private mutating func checkSidecar(_ backend: Backend, base: String) {
        if backend.health == nil {
            report(.error, at: base, key: true,
                "image: backend '\(backend.name)' needs health: piloto waits for it (container-dependencies), which "
                    + "needs a startup probe on its health path")
        }
        let signed = config.signsFor(backend)
        let keyFromSecret = config.sessions.identityKeyVariable.map { name in config.secrets.contains { $0.envName == name } }
        if signed, config.sessions.identityKey != nil, keyFromSecret != true {
            report(.warning, at: "sessions.identity_key",
                "image: backend '\(backend.name)' must verify identity: signed assertions, but sessions.identity_key is not "
                    + "read from secrets:, so its container cannot be given the key: write identity_key: ${NAME} and "
                    + "add NAME to secrets:")
        }
        if let cpu = backend.cpu, cpu.millicores < 80 || cpu > .cores(8) {
            report(.error, at: "\(base).cpu", "a container's CPU must be 0.08…8 on Cloud Run, found \(cpu.kubernetesQuantity)")
        }
        if let memory = backend.memory, memory < .mebibytes(128) || memory > .gibibytes(32) {
            report(.error, at: "\(base).memory",
                "a container's memory must be 128Mi…32Gi on Cloud Run, found \(memory.kubernetesQuantity)")
        }
    }

    /// ≤ 10 containers; the instance's CPU and memory are the sums over piloto and its sidecars.
    private mutating func checkSidecarTotals() {
        let sidecars = config.backends.filter(\.isSidecar)
        guard let first = sidecars.first else { return }
        let at = "backends.\(first.name)"
        if sidecars.count + 1 > Self.maximumContainers {
            report(.error, at: "backends", key: true,
                "\(sidecars.count) image: backends plus piloto make \(sidecars.count + 1) containers; Cloud Run allows \(Self.maximumContainers)")
        }
        let cpu = sidecars.reduce(config.scaling.cpu.millicores) { $0 + ($1.cpu ?? Self.sidecarDefaultCPU).millicores }
        let memory = sidecars.reduce(config.scaling.memory.bytes) { $0 + ($1.memory ?? Self.sidecarDefaultMemory).bytes }
        let total = "piloto (scaling.cpu \(config.scaling.cpu.kubernetesQuantity), scaling.memory "
            + "\(config.scaling.memory.kubernetesQuantity)) plus the sidecars"
        if cpu > 8000 {
            report(.error, at: at, key: true,
                "\(total) need \(CPU(millicores: cpu).kubernetesQuantity) CPU; a Cloud Run instance has at most 8")
        } else if memory > ByteSize.gibibytes(32).bytes {
            report(.error, at: at, key: true,
                "\(total) need \(ByteSize(bytes: memory).kubernetesQuantity) memory; a Cloud Run instance has at most 32Gi")
        } else if memory > Self.memoryCeiling(cpuMillicores: cpu).bytes {
            report(.warning, at: at, key: true,
                "\(total) need \(ByteSize(bytes: memory).kubernetesQuantity) memory with \(CPU(millicores: cpu).kubernetesQuantity) CPU "
                    + "in total; Cloud Run allows at most \(Self.memoryCeiling(cpuMillicores: cpu).kubernetesQuantity) with that CPU")
        }
    }

    /// Cloud Run's memory ceiling for an instance's total CPU (the `scaling.memory` table).
    static func memoryCeiling(cpuMillicores cpu: Int) -> ByteSize {
        switch cpu {
        case ..<1000: .gibibytes(1)
        case ..<2000: .gibibytes(4)
        case ..<4000: .gibibytes(8)
        case ..<6000: .gibibytes(16)
        case ..<8000: .gibibytes(24)
        default: .gibibytes(32)
        }
    }

    /// `run:` backends go into the image only through `build.backend`.
    private mutating func checkBackendBuild() {
        let run = config.backends.filter(\.isRun)
        if let first = run.first, config.build.backend == nil {
            report(.warning, at: "backends.\(first.name).run", key: true,
                "run: backend '\(first.name)' is not built into the image: add build.backend: {path: "
                    + "\(first.dir?.asWritten ?? "DIR")} so the generated Dockerfile installs it")
        }
        if config.build.backend != nil && run.isEmpty {
            report(.warning, at: "build.backend", key: true,
                "build.backend builds a Python environment into the image, but no backend has run:")
        }
    }

    /// `handler: proxy` options (called per route from `checkRoutes`).
    mutating func checkProxyRoute(_ proxy: ProxyRoute, index: Int) {
        let upstreamPath = Self.routePath(index, "upstream")
        let names = config.backends.map(\.name)
        let address = config.upstreamAddress(for: proxy.upstream)
        if !names.contains(proxy.upstream) && !Self.isUpstream(proxy.upstream) {
            let known = names.isEmpty ? "none defined" : names.joined(separator: ", ")
            var message = "invalid upstream '\(proxy.upstream)': expected a backends: name (\(known)) or http://host:port[/base]"
            if let near = EditDistance.suggestion(for: proxy.upstream, among: names) { message += "; did you mean '\(near)'?" }
            report(.error, at: upstreamPath, message)
        }
        if let maxBody = proxy.maxBody, maxBody > Self.cloudRunBodyCap {
            report(.warning, at: Self.routePath(index, "max_body"),
                "max_body \(maxBody.kubernetesQuantity) is above Cloud Run's 32 MiB cap on HTTP/1 request bodies: larger "
                    + "uploads are refused before they reach piloto")
        }
        for (key, span) in [("timeout", proxy.timeout), ("idle_timeout", proxy.idleTimeout), ("connect_timeout", proxy.connectTimeout)]
        where span.milliseconds < 1 {
            report(.error, at: Self.routePath(index, key), "\(key) must be at least 1ms")
        }
        if proxy.timeout > config.scaling.requestTimeout {
            report(.warning, at: Self.routePath(index, "timeout"),
                "timeout \(Self.describe(proxy.timeout)) is above scaling.request_timeout "
                    + "(\(Self.describe(config.scaling.requestTimeout))): Cloud Run ends the request first",
                inputs: ["scaling.request_timeout"])
        }
        checkIdentity(proxy, index: index, address: address)
    }

    private mutating func checkIdentity(_ proxy: ProxyRoute, index: Int, address: UpstreamAddress?) {
        let identityPath = Self.routePath(index, "identity")
        switch proxy.identity {
        case .signed where config.sessions.identityKey == nil:
            // A warning for validate (the contract examples leave the key to the deployment), an error
            // for serve: piloto cannot sign, and the backend must not get an unsigned user.
            report(checksBuildSources ? .warning : .error, at: identityPath,
                "identity: signed needs sessions.identity_key (at least 32 bytes, e.g. ${PILOTO_IDENTITY_KEY}); "
                    + "serve refuses to start without it")
        case .headers:
            if let address, !Self.isLoopbackHost(address.host) {
                report(.warning, at: sourceMap.isWritten(identityPath) ? identityPath : Self.routePath(index, "upstream"),
                    "identity: headers sends a plain X-Piloto-User to '\(address.host)', which anyone reaching that host "
                        + "can forge; use identity: signed with sessions.identity_key")
            }
        default:
            break
        }
    }

    /// A route whose whole prefix an earlier route already matches is never reached (first prefix
    /// wins): e.g. a `websocket: true` proxy route under an earlier piloto `/ws` or `/api` route.
    mutating func checkShadowedRoutes() {
        let routes = config.routes
        for (position, route) in routes.enumerated() where Self.isRoutePath(route.path) {
            guard let earlier = routes[..<position].firstIndex(where: { $0.path != route.path && $0.matches(route.path) }),
                routes[earlier].handler.kind != .spa  // a misplaced spa route is already an error
            else { continue }
            let index = position < routeIndices.count ? routeIndices[position] : position
            let earlierIndex = earlier < routeIndices.count ? routeIndices[earlier] : earlier
            let mark = sourceMap.value(Self.routePath(earlierIndex, "path"))
            let note = Diagnostic(
                severity: .note, file: file, line: mark.line, column: mark.column,
                message: "'\(routes[earlier].path)' matches first here")
            report(.warning, at: Self.routePath(index, "path"),
                "route '\(route.path)' is never reached: the earlier route '\(routes[earlier].path)' matches every path "
                    + "under it (the first matching prefix wins); move it above", notes: [note])
        }
    }

    mutating func checkIdentityKey() {
        guard let key = config.sessions.identityKey else { return }
        let bytes = key.utf8.count
        if bytes < 32 {
            // Never print the key itself: it is a secret.
            report(.error, at: "sessions.identity_key",
                "identity_key is \(bytes) byte\(bytes == 1 ? "" : "s"); HS256 needs at least 32 (e.g. `openssl rand -base64 32`)")
        }
    }

    /// A DNS label that is not the ingress container's name.
    static func isContainerName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first >= "a" && first <= "z", name.utf8.count <= 63, name != "piloto",
            !name.hasSuffix("-")
        else { return false }
        return name.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || host == "[::1]" || host.hasPrefix("127.")
    }
}

extension PilotoConfig {
    /// The largest request body any route accepts: `server.limits.body_bytes`, or a proxy route's
    /// `max_body` when larger. The connection layer reads bodies up to this and each route enforces its own.
    package var largestBodyLimit: ByteSize {
        routes.reduce(server.limits.bodyBytes) { largest, route in
            if case .proxy(let proxy) = route.handler, let maxBody = proxy.maxBody, maxBody > largest { return maxBody }
            return largest
        }
    }

    /// The request body limit on `route`: its `max_body` for a proxy route that sets one, else `server.limits.body_bytes`.
    package func bodyLimit(for route: Route) -> ByteSize {
        if case .proxy(let proxy) = route.handler, let maxBody = proxy.maxBody { return maxBody }
        return server.limits.bodyBytes
    }
}
