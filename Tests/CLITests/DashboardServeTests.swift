import Foundation
import Glibc
import Testing
@testable import PilotoCLI

/// `piloto serve` end to end for the dashboard: the built binary, a users file made by
/// `piloto passwd`, login through the auth routes, then the dashboard with and without the session.
struct DashboardServeTests {
    @Test func dashboardNeedsTheSessionThatLoginGives_andLogoutEndsIt() throws {
        let dir = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PilotoBinary.run(["passwd", "vendedor"], input: "senha-do-vendedor\n").stdout.write(
            toFile: dir + "/users.txt", atomically: true, encoding: .utf8)
        let yaml = """
            service:
              name: demo
              domain: app.example.com
              image: southamerica-east1-docker.pkg.dev/demo-project/piloto/demo:1
            sessions:
              store: memory
              users_file: users.txt
            routes:
              - path: /api/health
                handler: health
              - path: /api/auth
                handler: auth
              - path: /api/dashboard
                handler: dashboard
                auth: required

            """
        try yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)

        let serve = try ServeProcess(config: dir + "/piloto.yaml")
        let bound = try #require(serve.port, "no listening line in: \(serve.seen)")

        #expect(request(bound, "GET /api/dashboard/metrics")?.status == 401)
        let body = #"{"login":"vendedor","password":"senha-do-vendedor"}"#
        let login = try #require(request(
            bound, "POST /api/auth/login", headers: "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n",
            body: body))
        #expect(login.status == 200)
        let cookieLine = try #require(login.head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
        let pair = String(cookieLine.dropFirst("set-cookie:".count).drop { $0 == " " }.prefix { $0 != ";" })
        let cookie = "Cookie: \(pair)\r\n"
        for path in ["/api/dashboard", "/api/dashboard/metrics", "/api/dashboard/dashboard.js", "/api/dashboard/dashboard.css"] {
            let answer = request(bound, "GET \(path)", headers: cookie)
            #expect(answer?.status == 200, "\(path)")
            #expect((answer?.bodyCount ?? 0) > 0, "\(path)")
        }
        #expect(request(bound, "POST /api/auth/logout", headers: cookie + "Content-Length: 0\r\n")?.status == 204)
        #expect(request(bound, "GET /api/dashboard/metrics", headers: cookie)?.status == 401)
        #expect(serve.terminate() == 0)
    }

    private func request(
        _ port: Int, _ line: String, headers: String = "", body: String = ""
    ) -> (status: Int, head: String, bodyCount: Int)? {
        guard let client = try? Client(port: port) else { return nil }
        client.send("\(line) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n\(body)")
        return client.response()
    }
}
