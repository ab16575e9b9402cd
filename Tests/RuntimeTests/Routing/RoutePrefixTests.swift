import Testing
@testable import PilotoRuntime

/// `RoutePrefix` (the router's byte matcher) against the rule `Route.matches` documents: the
/// prefix itself or the prefix then `/`; `/` matches every absolute path.
struct RoutePrefixTests {
    private func rule(_ prefix: String, _ path: String) -> Bool {
        prefix == "/" ? path.hasPrefix("/") : (path == prefix || path.hasPrefix(prefix + "/"))
    }

    private func matcher(_ prefix: String, _ path: String) -> Bool {
        var path = path
        return path.withUTF8 { RoutePrefix(prefix).matches($0) }
    }

    @Test func agreesWithTheRule_onEveryPairOfPrefixAndPath() {
        let prefixes = ["/", "/api", "/api/auth", "/ws", "/assets", "/dashboard", "/api/clientes", "/ç"]
        let paths = [
            "", "/", "/api", "/api/", "/apix", "/api/auth", "/api/authx", "/api/auth/login", "/ap", "/ws/chat",
            "/wsx", "/assets/app.js", "/dashboard", "/dashboard/clientes/42", "/api/clientes", "/api/clientes7",
            "/ç", "/ç/x", "/çx", "api", "//api",
        ]
        for prefix in prefixes {
            for path in paths {
                #expect(matcher(prefix, path) == rule(prefix, path), "prefix \(prefix) path \(path)")
            }
        }
    }

    @Test func emptyPath_matchesNothing_evenTheRoot() {
        #expect(!matcher("/", ""))
        #expect(!matcher("/api", ""))
    }
}
