import Foundation
import Glibc
import Testing
@testable import PilotoCLI

/// `piloto passwd` and the auth wiring of `piloto serve`, end to end against the built binary.
struct AuthCommandTests {
    private func passwd(_ arguments: [String], input: String?) -> CLIResult {
        let out = Output.capture()
        let err = Output.capture()
        let code = PasswdCommand.run(arguments: arguments, stdout: out, stderr: err, readPassword: { input })
        return CLIResult(code: code, out: out.text, err: err.text)
    }

    @Test func passwd_printsLoginColonYescrypt() {
        let result = passwd(["ana"], input: "s3nha")
        #expect(result.code == 0)
        #expect(result.out.hasPrefix("ana:$y$"))
        #expect(result.out.hasSuffix("\n"))
        #expect(result.out.split(separator: ":").count == 2)
        #expect(result.err.isEmpty)
    }

    @Test func passwd_refusesBadLoginsAndEmptyPasswords() {
        for login in ["a:b", "two words", "tab\there", ""] {
            let result = passwd([login], input: "x")
            #expect(result.code == 2, "login: \(login)")
            #expect(result.out.isEmpty)
        }
        #expect(passwd([], input: "x").code == 2)
        #expect(passwd(["a", "b"], input: "x").code == 2)
        #expect(passwd(["ana"], input: "").code == 2)
        #expect(passwd(["ana"], input: "").err.contains("empty password"))
        #expect(passwd(["ana"], input: nil).code == 2)
    }

    @Test func passwordInput_readsOneLine_withoutItsEnding() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let text = Array("first line\r\nsecond\n".utf8)
        _ = text.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        #expect(PasswordInput.readLine(fd: fds[0]) == "first line")
        #expect(PasswordInput.readLine(fd: fds[0]) == "second")
        #expect(PasswordInput.readLine(fd: fds[0]) == nil)
    }

    /// passwd through real stdin → users file → `piloto serve` → login, me, logout; then a user added
    /// to the file can log in after SIGHUP, without a restart.
    @Test func passwdRoundTrip_thenServeLogsIn_andReloadsOnSIGHUP() throws {
        let dir = try CLIFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let line = try runPasswd("ana", password: "senha-da-ana")
        #expect(line.hasPrefix("ana:$y$"))
        try ("# users\n" + line).write(toFile: dir + "/users.txt", atomically: true, encoding: .utf8)
        let yaml = """
            service:
              name: demo
              domain: app.example.com
              project: demo-project
              image: southamerica-east1-docker.pkg.dev/demo-project/piloto/demo:1
            scaling:
              max_instances: 1
            sessions:
              store: memory
              users_file: users.txt
            routes:
              - path: /api/health
                handler: health
              - path: /api/auth
                handler: auth

            """
        try yaml.write(toFile: dir + "/piloto.yaml", atomically: true, encoding: .utf8)

        let serve = try ServeProcess(config: dir + "/piloto.yaml")
        let boundPort = try #require(serve.port, "no listening line in: \(serve.seen)")

        let login = try #require(post(boundPort, "/api/auth/login", #"{"login":"ana","password":"senha-da-ana"}"#))
        #expect(login.status == 200)
        let cookie = try #require(setCookie(login.head))
        #expect(cookie.hasSuffix("; Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax"))
        let pair = String(cookie.prefix { $0 != ";" })
        #expect(get(boundPort, "/api/auth/me", cookie: pair)?.status == 200)
        #expect(post(boundPort, "/api/auth/login", #"{"login":"bia","password":"senha-da-bia"}"#)?.status == 401)

        let second = try runPasswd("bia", password: "senha-da-bia")
        try ("# users\n" + line + second).write(toFile: dir + "/users.txt", atomically: true, encoding: .utf8)
        kill(serve.process.processIdentifier, SIGHUP)
        let reloaded = serve.readUntil { text in
            text.components(separatedBy: "\n").contains { $0.contains("users file loaded") && $0.contains(#""users":2"#) }
                ? true : nil
        }
        #expect(reloaded == true, "no reload in: \(serve.seen)")
        #expect(serve.process.isRunning)  // SIGHUP did not kill it
        #expect(post(boundPort, "/api/auth/login", #"{"login":"bia","password":"senha-da-bia"}"#)?.status == 200)

        let logout = try #require(post(boundPort, "/api/auth/logout", "", cookie: pair))
        #expect(logout.status == 204)
        #expect(get(boundPort, "/api/auth/me", cookie: pair)?.status == 401)
        #expect(serve.terminate() == 0)
    }

    // MARK: - helpers

    private func runPasswd(_ login: String, password: String) throws -> String {
        let result = try PilotoBinary.run(["passwd", login], input: password + "\n")
        #expect(result.status == 0)
        return result.stdout
    }

    private func setCookie(_ head: String) -> String? {
        head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }
            .map { String($0.dropFirst("set-cookie:".count)).trimmingCharacters(in: .whitespaces) }
    }

    private func post(_ port: Int, _ path: String, _ body: String, cookie: String? = nil) -> (status: Int, head: String, bodyCount: Int)? {
        guard let client = try? Client(port: port) else { return nil }
        var text = "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        if let cookie { text += "Cookie: \(cookie)\r\n" }
        client.send(text + "\r\n" + body)
        return client.response()
    }

    private func get(_ port: Int, _ path: String, cookie: String) -> (status: Int, head: String, bodyCount: Int)? {
        guard let client = try? Client(port: port) else { return nil }
        client.send("GET \(path) HTTP/1.1\r\nHost: t\r\nCookie: \(cookie)\r\n\r\n")
        return client.response()
    }
}
