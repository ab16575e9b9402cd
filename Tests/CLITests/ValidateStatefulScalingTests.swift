import Foundation
import Testing

/// `piloto validate` on the two deployment traps of stateful routes, checked against what
/// `piloto generate` writes for the same file:
/// - the memory session store with more than one instance (sessions and channels split);
/// - the Redis store without `network:` (Memorystore is reachable only through VPC egress, which
///   service.yaml then assumes on the `default` network).
struct ValidateStatefulScalingTests {
    static let scaleOutWarning = "with sessions.store: memory and WebSocket or auth routes"
    static let networkWarning = "sessions.store: redis without network:"

    /// A config whose only stateful route is `route`, with the given store and instance count.
    private static func yaml(route: String, store: String, maxInstances: Int, network: Bool = false) -> String {
        var text = """
            service:
              name: app
              domain: app.example.com
              image: us-docker.pkg.dev/p/r/app:1
            scaling:
              max_instances: \(maxInstances)
              session_affinity: true
              request_timeout: 60m
            sessions:
              store: \(store)
              redis_url: redis://10.0.0.3:6379/0
              users_file: users.txt
            routes:
              - path: /health
                handler: health
              - path: /api/auth
                handler: auth
            \(route)

            """
        if network { text += "network:\n  vpc: app-vpc\n" }
        return text
    }

    /// The route added next to `/api/auth`: a WebSocket, an `auth: required` route, or a stateless
    /// one (then the auth route alone makes the config stateful).
    static let statefulRoutes = [
        "  - path: /ws\n    handler: websocket",
        "  - path: /api/dashboard\n    handler: dashboard\n    auth: required",
        "  - path: /api/echo\n    handler: health",
    ]

    private func validate(_ yaml: String) throws -> CLIResult {
        let dir = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)
        try "vendedor:$y$j9T$x$y\n".write(toFile: dir + "/users.txt", atomically: true, encoding: .utf8)  // the COPY's source
        var result = runCLI(["validate", "--config", dir + "/piloto.yaml"])
        result.err = result.err.replacingOccurrences(of: dir + "/", with: "")
        result.out = result.out.replacingOccurrences(of: dir + "/", with: "")
        return result
    }

    @Test(arguments: statefulRoutes, [1, 2, 100])
    func memoryStore_warnsOnlyAboveOneInstance(route: String, maxInstances: Int) throws {
        let result = try validate(Self.yaml(route: route, store: "memory", maxInstances: maxInstances))
        #expect(result.code == 0, "\(result.err)")
        #expect(!result.err.contains(": error:"))
        let warned = result.err.contains("max_instances is \(maxInstances) \(Self.scaleOutWarning)")
        #expect(warned == (maxInstances > 1), "\(result.err)")
        if warned {
            #expect(result.err.contains("piloto.yaml:6:18: warning: max_instances is \(maxInstances)"), "\(result.err)")
        }
    }

    @Test(arguments: statefulRoutes)
    func redisStoreWithNetwork_neverWarns(route: String) throws {
        let result = try validate(Self.yaml(route: route, store: "redis", maxInstances: 100, network: true))
        #expect(result.code == 0, "\(result.err)")
        #expect(!result.err.contains(Self.scaleOutWarning))
        #expect(!result.err.contains(Self.networkWarning))
    }

    /// Golden: the whole stderr of `validate` for Redis without `network:`; `PILOTO_UPDATE_GOLDENS=1`
    /// rewrites `Golden/validate-redis-without-network.txt`.
    @Test func redisWithoutNetwork_warns_andGenerateWritesTheDefaultEgressItPromises() throws {
        let yaml = Self.yaml(route: Self.statefulRoutes[0], store: "redis", maxInstances: 5)
        let result = try validate(yaml)
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out == "piloto.yaml is valid (1 warning)\n")
        try CLIFixtures.update("validate-redis-without-network.txt", result.err)
        #expect(result.err == (try CLIFixtures.golden("validate-redis-without-network.txt")))

        // What the warning says service.yaml does, it does: Direct VPC egress on `default`.
        let dir = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)
        let generated = runCLI(["generate", "--config", dir + "/piloto.yaml", "--out", dir + "/out"])
        #expect(generated.code == 0, "\(generated.err)")
        let service = try String(contentsOfFile: dir + "/out/service.yaml", encoding: .utf8)
        #expect(service.contains(
            #"run.googleapis.com/network-interfaces: "[{\"network\":\"default\",\"subnetwork\":\"default\"}]""#),
            "\(service)")
        #expect(service.contains("run.googleapis.com/vpc-access-egress: private-ranges-only"), "\(service)")
    }
}
