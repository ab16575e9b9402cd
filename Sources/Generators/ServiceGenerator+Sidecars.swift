import PilotoConfig

/// Cloud Run sidecars in `service.yaml` for `image:` backends (issue 12; facts:
/// research/proxy-sidecar.md §1).
///
/// piloto stays the ingress container, the only one with `ports`; each sidecar is reached on
/// `localhost:PORT` inside the instance. With sidecars every container is named and the revision
/// carries `run.googleapis.com/container-dependencies` as strict JSON (gcloud `json.loads` it), piloto
/// waiting for every sidecar, so each sidecar needs a startup probe: Cloud Run refuses a dependency
/// without one. A sidecar has no liveness probe: a failing one would restart it under live traffic
/// and take the instance's SPA down with it, while piloto already answers 502 and reports it degraded.
extension ServiceGenerator {
    /// The ingress container's name when there are sidecars (the dependency annotation names it).
    static let ingressName = "piloto"

    static func sidecars(_ config: PilotoConfig) -> [Backend] { config.backends.filter(\.isSidecar) }

    /// `containers:`: piloto alone (unnamed, as before sidecars existed), or piloto named first and
    /// then every sidecar in `backends:` order.
    static func containers(_ config: PilotoConfig) -> [YAMLValue] {
        let sidecars = sidecars(config)
        guard !sidecars.isEmpty else { return [.map(container(config))] }
        let ingress = [YAMLEntry("name", .string(ingressName), comment: ["Ingress: the only container with ports."])]
            + container(config)
        return [.map(ingress)] + sidecars.map { .map(sidecar($0, config: config)) }
    }

    /// `{"piloto":["api",…]}`: piloto starts once every sidecar passed its startup probe.
    static func sidecarAnnotations(_ config: PilotoConfig) -> [YAMLEntry] {
        let sidecars = sidecars(config)
        guard !sidecars.isEmpty else { return [] }
        let names = sidecars.map { JSONString.quoted($0.name) }.joined(separator: ",")
        return [
            YAMLEntry(
                "run.googleapis.com/container-dependencies", .string("{" + JSONString.quoted(ingressName) + ":[" + names + "]}"),
                comment: ["piloto starts after its sidecars pass their startup probes (JSON: container → what it waits for)."])
        ]
    }

    static func sidecar(_ backend: Backend, config: PilotoConfig) -> [YAMLEntry] {
        var entries = [
            YAMLEntry("name", .string(backend.name)),
            YAMLEntry("image", .string(backend.image ?? "")),
        ]
        let env = sidecarEnvironment(backend, config: config)
        if !env.isEmpty {
            entries.append(YAMLEntry(
                "env", .list(env),
                comment: ["backends.\(backend.name): its own env and secrets only (piloto's are not set here)."]))
        }
        entries.append(YAMLEntry("resources", .map([
            YAMLEntry("limits", .map([
                YAMLEntry("cpu", .string((backend.cpu ?? .cores(1)).kubernetesQuantity)),
                YAMLEntry("memory", .string((backend.memory ?? .mebibytes(512)).kubernetesQuantity)),
            ])),
        ])))
        if let health = backend.health {
            entries.append(YAMLEntry(
                "startupProbe",
                .map([
                    YAMLEntry("httpGet", .map([YAMLEntry("path", .string(health)), YAMLEntry("port", .int(Int64(backend.port)))])),
                    YAMLEntry("periodSeconds", .int(2)),
                    YAMLEntry("timeoutSeconds", .int(1)),
                    YAMLEntry("failureThreshold", .int(30)),
                ]),
                comment: [
                    "Required: piloto waits for this container. Up to 60 s for imports and migrations; the",
                    "backend must listen on 0.0.0.0:\(backend.port) (a probe does not reach 127.0.0.1).",
                ]))
        }
        return entries
    }

    /// The backend's `env` (file order), its `secrets`, and, when an `identity: signed` route names it,
    /// the service name and the identity key's secret (the one `sessions.identity_key` is read from).
    static func sidecarEnvironment(_ backend: Backend, config: PilotoConfig) -> [YAMLValue] {
        var names: [String] = []
        var items: [YAMLValue] = []
        func plain(_ name: String, _ value: String) {
            guard !names.contains(name) else { return }
            names.append(name)
            items.append(.map([YAMLEntry("name", .string(name)), YAMLEntry("value", .string(value))]))
        }
        func secret(_ name: String, _ ref: SecretRef) {
            guard !names.contains(name) else { return }
            names.append(name)
            items.append(secretItem(name, ref))
        }
        for variable in backend.env { plain(variable.name, variable.value) }
        for ref in backend.secrets { secret(ref.envName, ref) }
        if config.signsFor(backend) {  // Backend+Environment.swift
            plain(Backend.serviceNameVariable, config.service.name)
            if let variable = config.sessions.identityKeyVariable,
                let ref = config.secrets.first(where: { $0.envName == variable })
            {
                secret(Backend.identityKeyVariable, ref)
            }
        }
        return items
    }

    /// One `valueFrom.secretKeyRef` item (`key` is the secret's version).
    static func secretItem(_ name: String, _ ref: SecretRef) -> YAMLValue {
        .map([
            YAMLEntry("name", .string(name)),
            YAMLEntry("valueFrom", .map([
                YAMLEntry("secretKeyRef", .map([
                    YAMLEntry("name", .string(ref.secret)),
                    YAMLEntry("key", .string(ref.version)),
                ])),
            ])),
        ])
    }

    /// Secrets of `run:` backends: they run in piloto's container, so their secrets are set there
    /// (after the top-level ones, skipping a name those already set).
    static func runBackendSecrets(_ config: PilotoConfig) -> [YAMLValue] {
        var names = config.env.map(\.name) + config.secrets.map(\.envName)
        var items: [YAMLValue] = []
        for backend in config.backends where backend.isRun {
            for ref in backend.secrets where !names.contains(ref.envName) {
                names.append(ref.envName)
                items.append(secretItem(ref.envName, ref))
            }
        }
        return items
    }
}

extension DeployFacts {
    /// Every Secret Manager reference the deployment reads: `secrets:`, then each backend's, in
    /// file order, each distinct reference once (the deploy notes create and grant each secret).
    static func secrets(_ config: PilotoConfig) -> [SecretRef] {
        var all: [SecretRef] = []
        for ref in config.secrets + config.backends.flatMap(\.secrets) where !all.contains(ref) { all.append(ref) }
        return all
    }
}
