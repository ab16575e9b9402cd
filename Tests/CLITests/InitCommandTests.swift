import Foundation
import PilotoConfig
import Testing
@testable import PilotoCLI

/// `piloto init` on three fixture repositories (Fixtures/init): what it detects, that its output
/// validates, and that it never overwrites.
struct InitCommandTests {
    /// A scratch copy of `Fixtures/init/<name>` (init writes into it).
    private func scratch(_ name: String) throws -> String {
        let folder = try CLIFixtures.temporaryDirectory() + "/" + name
        try FileManager.default.copyItem(atPath: CLIFixtures.here.path + "/Fixtures/init/" + name, toPath: folder)
        return folder
    }

    private func initAndValidate(_ name: String) throws -> (init: CLIResult, config: PilotoConfig, text: String) {
        let folder = try scratch(name)
        let result = runCLI(["init", "--dir", folder])
        #expect(result.code == 0, "\(result.err)")
        let path = folder + "/piloto.yaml"
        let validate = runCLI(["validate", "--config", path])
        #expect(validate.code == 0, "\(validate.err)")
        #expect(!validate.err.contains(": error:"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (result, try ConfigLoader.load(path: path, variables: [:]).config, text)
    }

    @Test func viteAndFastAPI_detectsBoth_validates() throws {
        let (result, config, text) = try initAndValidate("vite-fastapi")
        #expect(result.out.contains("detected frontend: Vite in frontend (build: npm run build, output: build/web)"))
        #expect(result.out.contains("detected backend: Python ASGI (requirements.txt names fastapi/uvicorn) in backend, app app.main:api"))
        #expect(result.out.contains("fill in before deploying:"))
        let frontend = try #require(config.build.frontend)
        #expect(frontend.path.asWritten == "frontend" && frontend.output == "build/web" && frontend.node == "22")
        #expect(frontend.install == "npm ci")
        #expect(config.routes.map(\.path) == ["/api/health", "/api/auth", "/api/dashboard", "/ws", "/api", "/static", "/"])
        #expect(config.backends.map(\.name) == ["api"])
        #expect(config.backends.first?.run == ["uvicorn", "app.main:api", "--host", "127.0.0.1", "--port", "8000"])
        #expect(config.build.backend?.path.asWritten == "backend")
        guard case .proxy(let proxy)? = config.routes.first(where: { $0.path == "/api" })?.handler else {
            Issue.record("no /api proxy route")
            return
        }
        #expect(proxy.upstream == "api" && proxy.identity == .signed)
        #expect(config.sessions.identityKeyVariable == "PILOTO_IDENTITY_KEY")
        #expect(text.contains("\nbackends: ") && !text.contains("# backends:"))
        // The seed's choices.
        #expect(config.service.region == "southamerica-east1")
        #expect(config.scaling.minInstances == 0 && config.scaling.cpu == .cores(1) && config.scaling.memory == .mebibytes(512))
        let cookie = config.cookies.session
        #expect(cookie.httpOnly && cookie.secure && cookie.sameSite == .lax && cookie.domain == nil)
        #expect(config.build.pilotoOrigin == .clone(url: "https://github.com/example/piloto.git", ref: "v0.1.0"))
        #expect(config.service.name == "vite-fastapi")
    }

    @Test func createReactApp_noBackend() throws {
        let (result, config, text) = try initAndValidate("cra-only")
        #expect(result.out.contains("detected frontend: Create React App in . (build: yarn build, output: build)"))
        #expect(result.out.contains("no Python backend found"))
        let frontend = try #require(config.build.frontend)
        #expect(frontend.path.asWritten == "." && frontend.install == "yarn install --frozen-lockfile")
        #expect(config.routes.last?.path == "/")
        #expect(config.routes.contains { $0.path == "/static" })
        #expect(!text.contains("backends:"))
    }

    @Test func nothingToDetect_saysSo_writesAPilotoOnlyConfig() throws {
        let (result, config, _) = try initAndValidate("nothing")
        #expect(result.out.contains("no frontend found"))
        #expect(result.out.contains("nothing to detect: wrote a piloto-only config"))
        #expect(config.build.frontend == nil)
        #expect(!config.routes.contains { $0.path == "/" })
    }

    @Test func existingConfig_isNeverOverwritten_exit2() throws {
        let folder = try scratch("nothing")
        try "keep me\n".write(toFile: folder + "/piloto.yaml", atomically: true, encoding: .utf8)
        let result = runCLI(["init", "--dir", folder])
        #expect(result.code == 2)
        #expect(result.err.contains("already exists; not overwriting it"))
        #expect(try String(contentsOfFile: folder + "/piloto.yaml", encoding: .utf8) == "keep me\n")
    }

    @Test func usageErrors_exit2() throws {
        #expect(runCLI(["init", "--dir", "/nonexistent-piloto-init"]).code == 2)
        #expect(runCLI(["init", "extra"]).code == 2)
        #expect(runCLI(["init", "--force"]).code == 2)
    }

    @Test func detectionHelpers() {
        #expect(InitTemplate.serviceName(fromFolder: "Vendas_App 2") == "vendas-app-2")
        #expect(InitTemplate.serviceName(fromFolder: "123") == "app")
        #expect(ProjectDetection.nodeMajor("^18.2.0") == "18")
        #expect(ProjectDetection.nodeMajor(nil) == "20")
        #expect(ProjectDetection.literalOption("outDir", in: "build: { outDir: \"out\" }") == "out")
        #expect(ProjectDetection.literalOption("outDir", in: "build: { outDir: resolve(x) }") == nil)
        #expect(ProjectDetection.literalOption("outDir", in: "outDir: '../escape'") == nil)
    }
}
