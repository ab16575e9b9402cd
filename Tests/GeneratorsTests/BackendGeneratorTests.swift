import PilotoConfig
import PilotoGenerators
import Testing

/// What the deployment does with `backends:` (issue 12), each fact pinned on its own so a golden
/// re-record cannot hide a regression: the run: backend in the image, image: backends as sidecars.
@Suite struct BackendGeneratorTests {
    @Test func runBackend_buildsAVirtualEnvironment_runtimeOnTheSamePythonImage() throws {
        let config = try GenFixtures.config("backend-run")
        let text = try GenFixtures.artifact("Dockerfile", in: config)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("FROM python:3.11-slim-bookworm AS backend"))
        #expect(lines.contains("RUN python -m venv /opt/venv"))
        #expect(lines.contains("COPY backend/requirements*.txt ./"))
        #expect(lines.contains("RUN pip install --no-cache-dir -r requirements.txt"))
        // The runtime stage: the last FROM, on the interpreter the virtual environment links to.
        let froms = lines.filter { $0.hasPrefix("FROM ") }
        #expect(froms.last == "FROM python:3.11-slim-bookworm")
        let runtime = try #require(lines.lastIndex { $0.hasPrefix("FROM ") })
        let stage = Array(lines[runtime...])
        #expect(stage.contains("COPY --from=backend /opt/venv /opt/venv"))
        #expect(stage.contains { $0.hasPrefix("ENV PATH=\"/opt/venv/bin:$PATH\"") })
        #expect(stage.contains("COPY backend /app/backend"))
        // piloto stays PID 1 (exec form), as the non-root user, after every COPY.
        #expect(stage.last == "ENTRYPOINT [\"/usr/local/bin/piloto\", \"serve\", \"--config\", \"/app/piloto.yaml\"]")
        let user = try #require(stage.lastIndex { $0.hasPrefix("USER ") })
        #expect(stage[user] == "USER 10001:10001")
        #expect(try #require(stage.lastIndex { $0.hasPrefix("COPY ") }) < user)
        #expect(!stage.contains { $0.contains("apt-get") || $0.contains("pip ") })
    }

    @Test func runBackend_secretsAreSetInPilotosContainer_noSidecars() throws {
        let config = try GenFixtures.config("backend-run")
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config))
        let annotations = try ParsedYAML.path(root, "spec", "template", "metadata", "annotations")
        #expect(annotations["run.googleapis.com/container-dependencies"] == nil)
        let containers = try Self.containers(root)
        #expect(containers.count == 1)
        #expect(Self.envNames(containers[0]) == ["PILOTO_IDENTITY_KEY", "DATABASE_URL"])
    }

    /// The startup probe waits on readiness (503 `starting` until the children are healthy), within
    /// Cloud Run's 240 s; liveness stays on the health route so a backend never restarts the instance.
    @Test func runBackend_startupProbeWaitsOnReadiness_livenessOnHealth() throws {
        let config = try GenFixtures.config("backend-run")
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config))
        let container = try #require(try Self.containers(root).first)
        let startup = try ParsedYAML.path(container, "startupProbe")
        #expect(ParsedYAML.text(try ParsedYAML.path(startup, "httpGet")["path"]) == "/api/health/ready")
        #expect(config.startupProbePath == config.readinessPath)
        let period = try #require(ParsedYAML.text(startup["periodSeconds"]).flatMap { Int($0) })
        let failures = try #require(ParsedYAML.text(startup["failureThreshold"]).flatMap { Int($0) })
        #expect(period * failures >= 240)
        #expect(ParsedYAML.text(try ParsedYAML.path(container, "livenessProbe", "httpGet")["path"]) == "/api/health")
        // Sidecars only: Cloud Run's container-dependencies already hold piloto back, so liveness it is.
        let sidecar = try GenFixtures.config("backend-sidecar")
        #expect(sidecar.startupProbePath == sidecar.healthPath)
    }

    @Test func pilotoOnly_keepsOneUnnamedContainer() throws {
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: try GenFixtures.config("minimal")))
        let containers = try Self.containers(root)
        #expect(containers.count == 1 && containers[0]["name"] == nil)
        let dockerfile = try GenFixtures.artifact("Dockerfile", in: try GenFixtures.config("minimal"))
        #expect(!dockerfile.contains("AS backend") && dockerfile.contains("FROM debian:bookworm-slim"))
    }

    @Test func sidecars_namedWithoutPorts_pilotoWaitsForThem_asStrictJSON() throws {
        let config = try GenFixtures.config("backend-sidecar")
        let root = try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config))
        let containers = try Self.containers(root)
        #expect(containers.map { ParsedYAML.text($0["name"]) } == ["piloto", "api", "reports"])
        #expect(containers.map { $0["ports"] != nil } == [true, false, false])
        let annotations = try ParsedYAML.path(root, "spec", "template", "metadata", "annotations")
        let dependencies = try #require(ParsedYAML.text(annotations["run.googleapis.com/container-dependencies"]))
        let parsed = try JSONParser.parse(dependencies)
        #expect(parsed == .object([("piloto", .array([.string("api"), .string("reports")]))]))
        for (container, backend) in zip(containers.dropFirst(), config.backends) {
            let probe = try ParsedYAML.path(container, "startupProbe", "httpGet")
            #expect(ParsedYAML.text(probe["path"]) == backend.health)
            #expect(ParsedYAML.text(probe["port"]) == String(backend.port))
            #expect(container["livenessProbe"] == nil)
            let limits = try ParsedYAML.path(container, "resources", "limits")
            #expect(ParsedYAML.text(limits["cpu"]) == backend.cpu?.kubernetesQuantity)
            #expect(ParsedYAML.text(limits["memory"]) == backend.memory?.kubernetesQuantity)
        }
    }

    @Test func sidecars_getTheirOwnEnvAndSecrets_theIdentityKeyGoesToBoth() throws {
        let config = try GenFixtures.config("backend-sidecar")
        let containers = try Self.containers(try ParsedYAML.mapping(try GenFixtures.artifact("service.yaml", in: config)))
        // The backend's DATABASE_URL belongs to the backend only; piloto's LOG_LEVEL stays piloto's.
        #expect(Self.envNames(containers[0]) == ["LOG_LEVEL", "PILOTO_IDENTITY_KEY"])
        #expect(Self.envNames(containers[1]) == [
            "LOG_LEVEL", "FORWARDED_ALLOW_IPS", "DATABASE_URL", "PILOTO_SERVICE_NAME", "PILOTO_IDENTITY_KEY",
        ])
        let pilotoKey = try #require(Self.secretRef(containers[0], "PILOTO_IDENTITY_KEY"))
        let backendKey = try #require(Self.secretRef(containers[1], "PILOTO_IDENTITY_KEY"))
        #expect(pilotoKey.name == "identity-key" && pilotoKey.key == "1")
        #expect(backendKey.name == pilotoKey.name && backendKey.key == pilotoKey.key)
        // `reports` sits behind `identity: off`: no key, no env at all.
        #expect(containers[2]["env"] == nil)
        let readme = try GenFixtures.artifact("README.md", in: config)
        #expect(readme.contains("gcloud secrets create db-url") && readme.contains("gcloud secrets create identity-key"))
    }

    static func containers(_ root: YAMLMapping) throws -> [YAMLMapping] {
        let spec = try ParsedYAML.path(root, "spec", "template", "spec")
        guard case .sequence(let list)? = spec["containers"] else { throw ParsedYAML.Failure.shape("containers") }
        return list.items.compactMap { if case .mapping(let m) = $0 { m } else { nil } }
    }

    static func envNames(_ container: YAMLMapping) -> [String] {
        guard case .sequence(let env)? = container["env"] else { return [] }
        return env.items.compactMap { if case .mapping(let item) = $0 { ParsedYAML.text(item["name"]) } else { nil } }
    }

    static func secretRef(_ container: YAMLMapping, _ name: String) -> (name: String?, key: String?)? {
        guard case .sequence(let env)? = container["env"] else { return nil }
        for case .mapping(let item) in env.items where ParsedYAML.text(item["name"]) == name {
            guard case .mapping(let from)? = item["valueFrom"], case .mapping(let ref)? = from["secretKeyRef"] else { return nil }
            return (ParsedYAML.text(ref["name"]), ParsedYAML.text(ref["key"]))
        }
        return nil
    }
}
