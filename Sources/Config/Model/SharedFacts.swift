/// Facts that Generators and Runtime must agree on. They never import each other, so the one
/// place these can be derived is the config itself: the Dockerfile's `COPY` and `CMD`, the Cloud
/// Run probes and `containerPort`, and what the server does can then never drift apart.
extension PilotoConfig {
    /// Where the image puts the app: the config file lives at `<appDirectory>/piloto.yaml`, and the
    /// config's relative paths resolve against this folder inside the container.
    package static let appDirectory = "/app"
    /// The config file's path inside the image.
    package static let configPathInImage = "/app/piloto.yaml"
    /// The binary's path inside the image.
    package static let binaryPathInImage = "/usr/local/bin/piloto"

    /// The liveness path: the first `health` route's path (nil when no health route is configured).
    package var healthPath: String? {
        routes.first { $0.handler == .health }?.path
    }

    /// The readiness path, `<health>/ready`: 503 while draining or while a `run:` backend is starting,
    /// 200 `degraded` while a backing store or backend is down (`HealthResponder`).
    package var readinessPath: String? {
        healthPath.map { $0 == "/" ? "/ready" : $0 + "/ready" }
    }

    /// The Cloud Run startup probe's path. With `run:` backends it is the readiness path: readiness
    /// answers 503 `starting` until every backend passed its first health check (children are not
    /// sidecars, so no `container-dependencies` holds traffic back), and turns 200 `degraded` once a
    /// backend is down or outstays its 60 s start window, so the probe cannot hang a deploy. Without
    /// them it is the liveness path: nothing else has to come up.
    package var startupProbePath: String? {
        backends.contains(where: \.isRun) ? readinessPath : healthPath
    }

    /// The port the server listens on: `PORT` from the environment wins over `server.port`.
    package func effectivePort(environment: [String: String]) -> Int {
        if let text = environment["PORT"], let port = Int(text), (1...65535).contains(port) { return port }
        return server.port
    }

    /// True when some route serves WebSockets.
    package var hasWebSockets: Bool {
        routes.contains { if case .websocket = $0.handler { true } else { false } }
    }

    /// True when some route needs sessions (auth handler, or any `auth: required` route).
    package var usesSessions: Bool {
        routes.contains { $0.handler == .auth || $0.authRequired }
    }
}
