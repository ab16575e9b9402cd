import Foundation
@testable import PilotoConfig
import PilotoGenerators
import Testing

/// The Dockerfile agrees with the runtime's facts: port, config path, binary path, asset roots.
@Suite struct DockerfileFactsTests {
    @Test(arguments: ["minimal", "full", "overlays-redis"])
    func runtimeStageMatchesTheSharedFacts(fixture: String) throws {
        let config = try GenFixtures.config(fixture)
        let text = try GenFixtures.artifact("Dockerfile", in: config)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("EXPOSE \(config.server.port)"))
        #expect(lines.contains("COPY piloto.yaml \(PilotoConfig.configPathInImage)"))
        #expect(lines.contains("WORKDIR \(PilotoConfig.appDirectory)"))
        let entry = try #require(lines.first { $0.hasPrefix("ENTRYPOINT ") })
        #expect(entry == "ENTRYPOINT [\"\(PilotoConfig.binaryPathInImage)\", \"serve\", \"--config\", \"\(PilotoConfig.configPathInImage)\"]")
        #expect(lines.contains { $0.hasPrefix("USER 10001") })
        #expect(lines.contains { $0.hasPrefix("FROM swift:\(config.build.swift)-bookworm AS build") })
        #expect(lines.contains("FROM debian:bookworm-slim"))
        #expect(text.contains("--static-swift-stdlib"))
        #expect(text.contains("libyaml-dev"))
        // The binary links libyaml and libcrypt statically: the runtime stage installs no packages.
        let runtime = try #require(text.range(of: "FROM debian:bookworm-slim")).upperBound
        #expect(!text[runtime...].contains("apt-get"))
        #expect(!text.contains("libyaml-0-2"))
        // The last stage starts at the runtime FROM; USER comes after every COPY.
        let user = try #require(lines.lastIndex { $0.hasPrefix("USER ") })
        let lastCopy = try #require(lines.lastIndex { $0.hasPrefix("COPY ") })
        #expect(lastCopy < user)
    }

    @Test func frontendStageInstallsFromTheLockFileFirst() throws {
        let config = try GenFixtures.config("full")
        let frontend = try #require(config.build.frontend)
        let lines = try GenFixtures.artifact("Dockerfile", in: config).split(separator: "\n").map(String.init)
        let from = try #require(lines.firstIndex(of: "FROM node:\(frontend.node)-bookworm-slim AS frontend"))
        let manifest = try #require(lines.firstIndex(of: "COPY web/package*.json ./"))
        let install = try #require(lines.firstIndex(of: "RUN \(frontend.install)"))
        let sources = try #require(lines.firstIndex(of: "COPY web ./"))
        let build = try #require(lines.firstIndex(of: "RUN \(frontend.build)"))
        #expect(from < manifest && manifest < install && install < sources && sources < build)
    }

    @Test func everyAssetRootIsCopiedToItsPathUnderApp() throws {
        let config = try GenFixtures.config("full")
        let text = try GenFixtures.artifact("Dockerfile", in: config)
        // The SPA and /assets come from the frontend build; /media from the context.
        #expect(text.contains("COPY --from=frontend /src/web/build /app/web/build\n"))
        #expect(text.contains("COPY media/public /app/media/public\n"))
        #expect(!text.contains("COPY web/build"))
        for route in config.routes {
            guard case .spa(let spa) = route.handler else { continue }
            #expect(text.contains(" /app/" + spa.root.asWritten + "\n"))
        }
    }

    @Test func overlayImageStartsTheServerWithTheSameOverlay() throws {
        let config = try GenFixtures.config("overlays-redis", environment: "prod")
        let text = try GenFixtures.artifact("Dockerfile", in: config)
        #expect(text.contains("\"--env\", \"prod\"]\n"))
        #expect(text.contains("COPY config/users.txt /app/config/users.txt\n"))
    }

    @Test func dockerignoreExcludesBuildOutputs() throws {
        let config = try GenFixtures.config("full")
        let lines = try GenFixtures.artifact("Dockerfile.dockerignore", in: config).split(separator: "\n")
        for pattern in [".build", ".git", "out", "**/node_modules", "web/build"] {
            #expect(lines.contains(Substring(pattern)), "\(pattern)")
        }
    }

    /// What `scripts/run-demo` and the demo backend leave in `backend/` never reaches the context.
    @Test func dockerignoreExcludesTheRunBackendsLocalEnvironmentAndDatabase() throws {
        let config = try GenFixtures.config("backend-run")
        let lines = try GenFixtures.artifact("Dockerfile.dockerignore", in: config).split(separator: "\n")
        for pattern in ["backend/.venv", "backend/.pydeps", "backend/*.sqlite3", "backend/*.sqlite3-*", "**/__pycache__"] {
            #expect(lines.contains(Substring(pattern)), "\(pattern)")
        }
        #expect(lines.filter { $0 == "backend/.venv" }.count == 1, "build.backend.path and the run: dir are one folder")
        let pilotoOnly = try GenFixtures.artifact("Dockerfile.dockerignore", in: try GenFixtures.config("minimal"))
        #expect(!pilotoOnly.contains(".venv") && !pilotoOnly.contains("sqlite3"))
    }
}

/// The build context the Dockerfile expects is really there in this repo and not ignored.
@Suite struct DockerContextTests {
    @Test func repoFilesCopiedFromTheContextExistAndAreNotIgnored() throws {
        let config = try GenFixtures.config(folder: GenFixtures.repoRoot, environment: nil)
        let dockerfile = try GenFixtures.artifact("Dockerfile", in: config)
        let ignored = try GenFixtures.artifact("Dockerfile.dockerignore", in: config).split(separator: "\n")
            .map(String.init).filter { !$0.hasPrefix("#") && !$0.contains("*") }
        let sources = dockerfile.split(separator: "\n").filter { $0.hasPrefix("COPY ") && !$0.contains("--from=") }
            .compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
        #expect(sources.contains("Package.swift") && sources.contains("Sources") && sources.contains("Tests"))
        for source in ["Package.swift", "Sources", "Tests", "piloto.yaml"] {
            #expect(FileManager.default.fileExists(atPath: GenFixtures.repoRoot + "/" + source), "\(source)")
        }
        for source in sources {
            for pattern in ignored {
                #expect(!PathPrefix.isInside(source, pattern), "COPY \(source) is excluded by '\(pattern)'")
            }
        }
    }
}

enum PathPrefix {
    static func isInside(_ path: String, _ folder: String) -> Bool { path == folder || path.hasPrefix(folder + "/") }
}

/// `build.piloto`: the build stage never assumes piloto's sources are the build context.
struct DockerfilePilotoSourceTests {
    @Test func gitSource_clonesAtTheRef_copiesNoPilotoSources() throws {
        let lines = try GenFixtures.artifact("Dockerfile", in: GenFixtures.config("full")).split(separator: "\n").map(String.init)
        #expect(lines.contains("    && git remote add origin 'https://github.com/example/piloto.git' \\"))
        #expect(lines.contains("    && git fetch -q --depth 1 origin 'v1.0.0' \\"))
        #expect(!lines.contains { $0.hasPrefix("COPY Package.swift") || $0.hasPrefix("COPY Sources") })
    }

    @Test func pathSource_copiesThatFolder() throws {
        var config = try GenFixtures.config("minimal")
        config.build.piloto = PilotoSource(path: ConfigPath(asWritten: "./vendor/piloto/", resolved: "/x/vendor/piloto"))
        let lines = DockerfileGenerator.generate(config).contents.split(separator: "\n").map(String.init)
        #expect(lines.contains("COPY vendor/piloto/Package.swift ./"))
        #expect(lines.contains("COPY vendor/piloto/Sources ./Sources"))
        #expect(lines.contains("COPY vendor/piloto/Tests ./Tests"))
        #expect(!lines.contains { $0.contains("git fetch") })
        let ignore = DockerignoreGenerator.generate(config).contents.split(separator: "\n")
        #expect(ignore.contains("vendor/piloto/.build"))
    }

    @Test func quotesSurviveTheShell() {
        #expect(DockerfileGenerator.shellQuoted("a'b") == #"'a'\''b'"#)
    }
}
