import Testing
@testable import PilotoRuntime

/// Unsafe requests to `/api` need a same-origin `Origin` or `Sec-Fetch-Site` (router-level).
struct CSRFTests {
    private static let credentials = #"{"login":"ana","password":"senha-ana"}"#

    private func start(devMode: Bool = false) throws -> (AuthServer, UsersFileFixture) {
        let file = try UsersFileFixture([("ana", "senha-ana")])
        return (try AuthServer(users: UserDirectory(path: file.path, logger: nil), devMode: devMode), file)
    }

    @Test func crossOriginPosts_areRefused403() throws {
        let (server, _) = try start()
        for headers in [
            [("Origin", "https://evil.example")],
            [("Origin", "null")],
            [("Origin", "http://app.example.com")],  // wrong scheme
            [("Origin", "https://app.example.com.evil.example")],
            [("Origin", "http://localhost:5173")],  // not in production
            [("Sec-Fetch-Site", "cross-site")],
            [("Sec-Fetch-Site", "same-site")],
        ] {
            let response = try #require(try server.request("POST", "/api/auth/login", body: Self.credentials, headers: headers))
            #expect(response.status == 403, "\(headers)")
            #expect(response.headers["set-cookie"] == nil)
        }
        let logout = try server.request("POST", "/api/auth/logout", headers: [("Origin", "https://evil.example")])
        #expect(logout?.status == 403)
    }

    @Test func sameOriginAndNonBrowserPosts_areAllowed() throws {
        let (server, _) = try start()
        for headers in [
            [("Origin", "https://app.example.com")],
            [("Origin", "HTTPS://APP.EXAMPLE.COM")],
            [("Sec-Fetch-Site", "same-origin")],
            [("Sec-Fetch-Site", "none")],
            [],
        ] {
            let response = try server.request("POST", "/api/auth/login", body: Self.credentials, headers: headers)
            #expect(response?.status == 200, "\(headers)")
        }
    }

    @Test func safeMethods_areNeverChecked() throws {
        let (server, _) = try start()
        let me = try server.request("GET", "/api/auth/me", headers: [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")])
        #expect(me?.status == 401)  // reached the handler
        let health = try server.request("GET", "/api/health", headers: [("Origin", "https://evil.example")])
        #expect(health?.status == 200)
    }

    @Test func devMode_allowsLoopbackOrigins() throws {
        let (server, _) = try start(devMode: true)
        #expect(try server.request("POST", "/api/auth/login", body: Self.credentials,
                                   headers: [("Origin", "http://localhost:5173")])?.status == 200)
        #expect(try server.request("POST", "/api/auth/login", body: Self.credentials,
                                   headers: [("Origin", "https://evil.example")])?.status == 403)
    }

    @Test func policy_unitRules() {
        #expect(CSRFPolicy.protects(routePath: "/api"))
        #expect(CSRFPolicy.protects(routePath: "/api/auth"))
        #expect(!CSRFPolicy.protects(routePath: "/apix"))
        #expect(!CSRFPolicy.protects(routePath: "/ws"))
        #expect(CSRFPolicy.isSafe("GET") && CSRFPolicy.isSafe("OPTIONS"))
        #expect(!CSRFPolicy.isSafe("POST") && !CSRFPolicy.isSafe("PATCH") && !CSRFPolicy.isSafe("PURGE"))
    }
}
