import Testing
@testable import PilotoConfig

/// `Route.matches` (what the router runs for every route on every request) against the rule it
/// documents: the prefix itself or the prefix then `/`; `/` matches every absolute path.
struct RouteMatchingTests {
    private func rule(_ prefix: String, _ path: String) -> Bool {
        prefix == "/" ? path.hasPrefix("/") : (path == prefix || path.hasPrefix(prefix + "/"))
    }

    private func route(_ prefix: String) -> Route { Route(path: prefix, handler: .health, authRequired: false) }

    @Test func agreesWithTheRule_onEveryPairOfPrefixAndPath() {
        let prefixes = ["/", "/api", "/api/auth", "/ws", "/assets", "/dashboard", "/api/clientes", "/ç"]
        let paths = [
            "", "/", "/api", "/api/", "/apix", "/api/auth", "/api/authx", "/api/auth/login", "/ap", "/ws/chat",
            "/wsx", "/assets/app.js", "/dashboard", "/dashboard/clientes/42", "/api/clientes", "/api/clientes7",
            "/ç", "/ç/x", "/çx", "api", "//api",
        ]
        for prefix in prefixes {
            for path in paths {
                #expect(route(prefix).matches(path) == rule(prefix, path), "prefix \(prefix) path \(path)")
            }
        }
    }

    @Test func emptyPath_matchesNothing_evenTheRoot() {
        #expect(!route("/").matches(""))
        #expect(!route("/api").matches(""))
    }
}
