/// What a backend is told besides its own `env:`, so it can verify `X-Piloto-Assertion`
/// (docs/proxy.md): one definition for the supervisor (`run:` children) and the generator (sidecars).
extension Backend {
    /// The HS256 key (`sessions.identity_key`) as the backend reads it.
    package static let identityKeyVariable = "PILOTO_IDENTITY_KEY"
    /// The JWT's `aud` (`service.name`).
    package static let serviceNameVariable = "PILOTO_SERVICE_NAME"
}

extension PilotoConfig {
    /// True when some `identity: signed` proxy route sends requests to `backend`.
    package func signsFor(_ backend: Backend) -> Bool {
        routes.contains { route in
            guard case .proxy(let proxy) = route.handler else { return false }
            return proxy.upstream == backend.name && proxy.identity == .signed
        }
    }

    /// The environment a `run:` child gets on top of piloto's own: its `env:` in file order, then,
    /// when an `identity: signed` route names it, `PILOTO_SERVICE_NAME` and `PILOTO_IDENTITY_KEY`
    /// (the resolved key, so a dev default works too), unless its `env:` sets them itself.
    package func childEnvironment(for backend: Backend) -> [EnvVar] {
        var result = backend.env
        guard signsFor(backend) else { return result }
        let extra = [
            (Backend.serviceNameVariable, service.name as String?),
            (Backend.identityKeyVariable, sessions.identityKey),
        ]
        for (name, value) in extra {
            guard let value, !result.contains(where: { $0.name == name }) else { continue }
            result.append(EnvVar(name: name, value: value))
        }
        return result
    }
}
