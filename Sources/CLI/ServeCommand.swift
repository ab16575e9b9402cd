import Dispatch
import FoundationEssentials
import PilotoConfig
import PilotoRuntime

/// `piloto serve [--config FILE] [--env NAME] [--port N] [--dev]`: load the config, build the server
/// (static roots checked, responses precomputed), bind, read the static files, and run until
/// SIGTERM, then drain within `server.shutdown_grace`.
///
/// Exit codes: 0 after a clean drain, 2 for usage or config errors (including a missing static
/// root, reported before binding), 1 when the socket cannot be bound.
enum ServeCommand {
    static func run(arguments: [String], stdout: Output, stderr: Output) -> Int32 {
        let parsed: ParsedArguments
        var portOverride: Int?
        do throws(UsageError) {
            parsed = try ParsedArguments.parse(
                arguments, command: "serve", valued: ["--config", "--env", "--port"], switches: ["--dev"],
                hint: "use --config FILE")
            if let text = parsed.values["--port"] {
                // 0 asks the kernel for a free port (tests, local runs).
                guard let port = Int(text), (0...65535).contains(port) else {
                    throw UsageError(message: "--port expects a number in 0...65535, found '\(text)'")
                }
                portOverride = port
            }
        } catch {
            return usageFailure(error, command: "serve", stderr: stderr)
        }
        let path = parsed.values["--config"] ?? "piloto.yaml"
        let environment = ProcessEnvironment.current()
        guard
            let loaded = ConfigLoader.load(
                path: path, environment: parsed.values["--env"], variables: environment, purpose: .serve, reportingTo: stderr)
        else { return ExitCode.usage }
        let config = loaded.config
        // Checks `validate` skips (CI validates before the frontend is built), but a server needs.
        let missing = config.missingServeFiles()
        if !missing.isEmpty {
            for problem in missing { stderr.write("\(problem)\n") }
            if let hint = RouteAssembly.buildHint(config) { stderr.write("build the frontend first: \(hint)\n") }
            return ExitCode.usage
        }
        // --port wins over PORT, which wins over server.port.
        let port = portOverride ?? config.effectivePort(environment: environment)
        let logger = Logger(project: config.service.project)
        for warning in loaded.warnings {
            logger.log(.warning, "config: \(warning.message)", fields: [("line", .int(Int64(warning.line)))])
        }

        // Redis (sessions.store: redis) runs on the server's first event loop (built with the
        // responders, once the loops' handles exist); a Redis that is down at boot only degrades
        // auth-dependent routes, it does not stop the server.
        let redisURL: RedisURL?
        do {
            redisURL = try RedisServices.url(config: config)
        } catch {
            logger.log(.error, "boot failed: \(error.message)")
            logger.close()
            stderr.write("piloto: \(error.message)\n")
            return ExitCode.usage
        }
        // `run:` backends: their status feeds readiness; they start once the server is built.
        let backends = BackendSupervisor(
            config: config, configDirectory: PathResolution.resolve(Self.absolute(path) + "/..", against: "/"), logger: logger)
        let server: Server
        var redis: RedisServices?
        let devMode = parsed.switches.contains("--dev")
        do {
            server = try Server(
                config: config, port: port, logger: logger, devMode: devMode, backends: backends.directory,
                makeResponders: { link in
                    redis = redisURL.map { RedisServices.make(config: config, url: $0, loop: link.loops[0], logger: logger) }
                    redis?.registerHealth(on: link)
                    let sessionStore = AuthWiring.makeSessionStore(config: config, redis: redis, logger: logger)
                    return ApplicationResponders(
                        auth: AuthWiring.responders(link: link, store: sessionStore, environment: environment),
                        dashboard: DashboardWiring.responder(link: link, sessions: sessionStore, redis: redis?.client),
                        websocket: realtimeResponders(
                            link: link, devMode: devMode, sessions: sessionStore ?? NoSessionStore(),
                            store: redis?.channels, presence: redis?.presence),
                        proxy: ProxyResponders.make(link: link, sessions: sessionStore, devMode: devMode).responder)
                })
        } catch {
            logger.log(.error, "boot failed: \(error.message)")
            logger.close()
            stderr.write("piloto: \(error.message)\n")
            return ExitCode.usage
        }
        // Backends start before the server accepts traffic (readiness says `starting` until each
        // passed its health check). One that cannot start never stops piloto: one line on stderr
        // here, an error in the log each attempt, retries in the background, readiness `degraded`.
        for failure in backends.start() {
            stderr.write("piloto: backend \(failure.name) cannot start: \(failure.error.message) (serving without it, retrying)\n")
        }
        let terminated = DispatchSemaphore(value: 0)
        let sources = SignalHandling.onTermination {
            server.beginShutdown()
            terminated.signal()
        }
        do {
            try server.start()
        } catch {
            logger.log(.error, "boot failed: \(error.message)")
            backends.stop(deadline: SystemClock().nowMilliseconds() + 2000)
            logger.close()
            stderr.write("piloto: \(error.message)\n")
            return ExitCode.checkFailed
        }
        logger.log(
            .info, "config loaded",
            fields: [
                ("config", .string(path)), ("environment", .string(config.environment ?? "base")),
                ("dev", .bool(parsed.switches.contains("--dev"))),
                ("health", .string(config.healthPath ?? "")), ("readiness", .string(config.readinessPath ?? "")),
            ])
        terminated.wait()
        // Drain first (requests and WebSockets in flight need Redis and their backend), then close
        // Redis on its loop, let the loops end, then stop the backends; a little of the grace
        // period is left for the last log lines and the exit itself.
        let (drained, _) = server.drainThenStop(
            backends: backends, graceMilliseconds: config.server.shutdownGrace.milliseconds,
            closeClients: { redis?.close() })
        logger.log(
            drained ? .info : .warning,
            drained ? "shutdown complete" : "shutdown grace period over: closing remaining connections")
        logger.close()
        withExtendedLifetime(sources) {}
        return ExitCode.success
    }

    /// The config path made absolute (relative to the current directory), as the loader does.
    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
