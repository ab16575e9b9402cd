import PilotoConfig

/// `service.yaml`: the Knative `serving.knative.dev/v1` Service for `gcloud run services replace`.
///
/// Key order is fixed and follows the Cloud Run YAML reference (apiVersion, kind, metadata, spec;
/// inside the container: image, ports, env, resources, probes), so a diff between two generated
/// files only ever shows changed values. Annotation names come from that reference too.
package enum ServiceGenerator {
    package static func generate(_ config: PilotoConfig) -> Artifact {
        let document: YAMLValue = .map([
            YAMLEntry("apiVersion", .string("serving.knative.dev/v1")),
            YAMLEntry("kind", .string("Service")),
            YAMLEntry("metadata", .map([
                YAMLEntry("name", .string(config.service.name)),
                YAMLEntry("labels", .map([
                    YAMLEntry("cloud.googleapis.com/location", .string(config.service.region)),
                ])),
                YAMLEntry("annotations", .map([
                    YAMLEntry("run.googleapis.com/ingress", .string(config.service.ingress.rawValue)),
                ])),
            ])),
            YAMLEntry("spec", .map([
                YAMLEntry("template", .map([
                    YAMLEntry("metadata", .map([YAMLEntry("annotations", .map(templateAnnotations(config)))])),
                    YAMLEntry("spec", .map(revisionSpec(config))),
                ])),
            ])),
        ])
        var out = GeneratedHeader.hashComment(config)
        out += "# Apply with: gcloud run services replace service.yaml --region \(config.service.region)\n"
        out += YAMLEmitter.emit(document)
        return Artifact(path: "service.yaml", contents: out)
    }

    /// Revision-level annotations. Knative wants every annotation value as a string, so numbers
    /// and booleans are quoted (`"0"`, `"true"`).
    static func templateAnnotations(_ config: PilotoConfig) -> [YAMLEntry] {
        let scaling = config.scaling
        var entries = [
            YAMLEntry("autoscaling.knative.dev/minScale", .string(String(scaling.minInstances))),
            YAMLEntry("autoscaling.knative.dev/maxScale", .string(String(scaling.maxInstances))),
            YAMLEntry(
                "run.googleapis.com/cpu-throttling", .string(String(scaling.cpuThrottling)),
                comment: ["true: CPU only while requests (or WebSockets) are open; false: CPU always allocated."]),
            YAMLEntry("run.googleapis.com/startup-cpu-boost", .string(String(scaling.startupCPUBoost))),
            YAMLEntry(
                "run.googleapis.com/sessionAffinity", .string(String(scaling.sessionAffinity)),
                comment: ["Best effort: a client may still land on another instance (scale-in, redeploy)."]),
            YAMLEntry("run.googleapis.com/execution-environment", .string(scaling.executionEnvironment.rawValue)),
        ]
        entries += networkAnnotations(config)
        entries += sidecarAnnotations(config)  // ServiceGenerator+Sidecars.swift
        return entries
    }

    /// How the revision reaches the private VPC (Memorystore Redis lives there).
    ///
    /// A configured connector wins; otherwise direct VPC egress through `network-interfaces`, whose
    /// value is a JSON array in a string. With `sessions.store: redis` and no `network:` section the
    /// `default` network is assumed: without VPC access Cloud Run cannot reach a private Redis at all.
    static func networkAnnotations(_ config: PilotoConfig) -> [YAMLEntry] {
        var network = config.network
        var comment = ["Private networking: Memorystore Redis has only a private IP in the VPC."]
        if network == nil, config.sessions.store == .redis {
            network = NetworkConfig(vpc: "default", subnet: nil, connector: nil, egress: .privateRangesOnly)
            comment.append("No network: section, so the project's 'default' network and subnet are assumed.")
        }
        guard let network else { return [] }
        var entries: [YAMLEntry] = []
        if let connector = network.connector {
            entries.append(YAMLEntry("run.googleapis.com/vpc-access-connector", .string(connector), comment: comment))
        } else {
            let vpc = network.vpc ?? "default"
            let interface = JSONString.quoted("network") + ":" + JSONString.quoted(vpc) + ","
                + JSONString.quoted("subnetwork") + ":" + JSONString.quoted(network.subnet ?? vpc)
            entries.append(YAMLEntry(
                "run.googleapis.com/network-interfaces", .string("[{" + interface + "}]"),
                comment: comment + ["Direct VPC egress (no connector to pay for or scale)."]))
        }
        entries.append(YAMLEntry("run.googleapis.com/vpc-access-egress", .string(network.egress.rawValue)))
        return entries
    }

    static func revisionSpec(_ config: PilotoConfig) -> [YAMLEntry] {
        let timeout = config.scaling.requestTimeout.wholeSecondsRoundedUp
        return [
            YAMLEntry(
                "containerConcurrency", .int(Int64(config.scaling.concurrency)),
                comment: ["Requests per instance; every open WebSocket counts as one for its whole life."]),
            YAMLEntry(
                "timeoutSeconds", .int(timeout),
                comment: [
                    "scaling.request_timeout. It also bounds every WebSocket: Cloud Run closes a connection",
                    "at this age (default 300 s would cut each one after 5 minutes; the maximum is 3600 s),",
                    "so clients must reconnect. The original design left this out.",
                ]),
            YAMLEntry("containers", .list(containers(config))),  // ServiceGenerator+Sidecars.swift
        ]
    }

    static func container(_ config: PilotoConfig) -> [YAMLEntry] {
        var entries = [
            YAMLEntry("image", .string(config.service.image)),
            YAMLEntry(
                "ports", .list([.map([YAMLEntry("name", .string("http1")), YAMLEntry("containerPort", .int(Int64(config.server.port)))])]),
                comment: ["Cloud Run sets PORT to containerPort; piloto listens there (PORT wins over server.port)."]),
        ]
        let env = environment(config)
        if !env.isEmpty {
            entries.append(YAMLEntry("env", .list(env), comment: secretComment(config)))
        }
        entries.append(YAMLEntry("resources", .map([
            YAMLEntry("limits", .map([
                YAMLEntry("cpu", .string(config.scaling.cpu.kubernetesQuantity)),
                YAMLEntry("memory", .string(config.scaling.memory.kubernetesQuantity)),
            ])),
        ])))
        entries += probes(config)
        return entries
    }

    /// Plain variables (sorted by name in the model), then secrets (sorted by name).
    static func environment(_ config: PilotoConfig) -> [YAMLValue] {
        var items: [YAMLValue] = config.env.map {
            .map([YAMLEntry("name", .string($0.name)), YAMLEntry("value", .string($0.value))])
        }
        items += config.secrets.map { secret in
            .map([
                YAMLEntry("name", .string(secret.envName)),
                YAMLEntry("valueFrom", .map([
                    YAMLEntry("secretKeyRef", .map([
                        YAMLEntry("name", .string(secret.secret)),
                        YAMLEntry("key", .string(secret.version)),
                    ])),
                ])),
            ])
        }
        items += runBackendSecrets(config)  // ServiceGenerator+Sidecars.swift
        return items
    }

    private static func secretComment(_ config: PilotoConfig) -> [String] {
        guard !config.secrets.isEmpty else { return [] }
        return [
            "secretKeyRef: name is the Secret Manager secret, key is its VERSION (\"1\" or latest),",
            "not a field inside the secret (the original design's `key: url` is wrong for Cloud Run).",
        ]
    }

    /// Startup and liveness probes on the runtime's own health routes (`PilotoConfig.startupProbePath`
    /// and `healthPath`, the same facts the server routes by). The startup probe allows 240 s (Cloud
    /// Run's maximum: 2 s × 120) for a cold start; with `run:` backends it targets the readiness path,
    /// which holds traffic back until they are up. Liveness restarts an instance only after 3 misses
    /// in a row, and never on a backend's state (liveness is 200 while piloto runs).
    static func probes(_ config: PilotoConfig) -> [YAMLEntry] {
        guard let path = config.healthPath, let startupPath = config.startupProbePath else { return [] }
        func probe(_ path: String, period: Int64, failures: Int64) -> YAMLValue {
            .map([
                YAMLEntry("httpGet", .map([
                    YAMLEntry("path", .string(path)),
                    YAMLEntry("port", .int(Int64(config.server.port))),
                ])),
                YAMLEntry("periodSeconds", .int(period)),
                YAMLEntry("timeoutSeconds", .int(1)),
                YAMLEntry("failureThreshold", .int(failures)),
            ])
        }
        let startupComment = startupPath == path
            ? ["Probes hit the health route from routes: (handler: health), as the server serves it."]
            : [
                "Startup probes readiness: 503 \"starting\" until the run: backends passed their first health",
                "check (200 \"degraded\" if one is down after 60 s), so traffic waits for the app behind piloto.",
                "Liveness stays on the health route: a backend's state never restarts the instance.",
            ]
        return [
            YAMLEntry(
                "startupProbe", probe(startupPath, period: 2, failures: 120), comment: startupComment),
            YAMLEntry("livenessProbe", probe(path, period: 10, failures: 3)),
        ]
    }
}
