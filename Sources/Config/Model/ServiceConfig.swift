/// `service:` — what the deployment is called and where it lives.
package struct ServiceConfig: Sendable, Equatable {
    /// Cloud Run service name (lowercase letters, digits, hyphens; at most 49 characters).
    package var name: String
    /// The one origin: `https://<domain>` serves the SPA, the API and the WebSockets.
    package var domain: String
    /// GCP project id; enables trace correlation in logs. Nil when not configured.
    package var project: String?
    /// Cloud Run region, default `southamerica-east1`.
    package var region: String
    /// Container image in Artifact Registry, pinned by tag or digest.
    package var image: String
    package var ingress: Ingress

    /// `run.googleapis.com/ingress` values.
    package enum Ingress: String, Sendable, Equatable, CaseIterable {
        case all
        case `internal` = "internal"
        case internalAndCloudLoadBalancing = "internal-and-cloud-load-balancing"
    }

    /// The origin browsers send in `Origin` for this service.
    package var origin: String { "https://\(domain)" }
}

/// `scaling:` — instances, resources and request limits on Cloud Run.
package struct ScalingConfig: Sendable, Equatable {
    package var minInstances: Int
    package var maxInstances: Int
    /// Requests (and open WebSockets) per instance, 1…1000.
    package var concurrency: Int
    package var cpu: CPU
    package var memory: ByteSize
    /// true: CPU only while handling requests (cheaper); false: CPU always allocated.
    package var cpuThrottling: Bool
    package var startupCPUBoost: Bool
    /// Cloud Run's request timeout; it also bounds a WebSocket's life (max 60m).
    package var requestTimeout: TimeSpan
    package var sessionAffinity: Bool
    package var executionEnvironment: ExecutionEnvironment

    /// `run.googleapis.com/execution-environment` values.
    package enum ExecutionEnvironment: String, Sendable, Equatable, CaseIterable {
        case gen1
        case gen2
    }
}

/// `build:` — how the container image is built (used by the Dockerfile generator).
package struct BuildConfig: Sendable, Equatable {
    /// Swift toolchain version of the build image, e.g. `6.1` → `swift:6.1-bookworm`.
    package var swift: String
    /// The SPA build; nil when there is no frontend.
    package var frontend: FrontendBuild?
    /// Where the build stage gets piloto's sources; nil: the build context itself (piloto's repo).
    package var piloto: PilotoSource?
    /// The Python build of the `run:` backends; nil when none is built into the image.
    package var backend: BackendBuild? = nil
}

/// `build.frontend:` — a Node project built in the Dockerfile's first stage.
package struct FrontendBuild: Sendable, Equatable {
    /// The Node project folder, relative to the config file.
    package var path: ConfigPath
    /// Node major version for the build image, e.g. `20`.
    package var node: String
    package var install: String
    package var build: String
    /// Build output folder, relative to `path`.
    package var output: String
}
