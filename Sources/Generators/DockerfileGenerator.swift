import PilotoConfig

/// `Dockerfile`: three stages — Node builds the SPA, Swift builds `piloto`, a slim Debian (nothing
/// installed) runs it.
///
/// The build context is the folder that holds the config file (the repo root), because every
/// relative path in the config is relative to that folder: `docker build -f out/Dockerfile .`.
/// The runtime image mirrors that layout under `/app`, so `frontend/dist` in the config is
/// `/app/frontend/dist` in the container and the same config file works unchanged in both places.
package enum DockerfileGenerator {
    /// Non-root numeric uid/gid: Kubernetes-style `runAsNonRoot` checks need a number, not a name.
    package static let runtimeUID = 10001

    package static func generate(_ config: PilotoConfig) -> Artifact {
        let debian = "bookworm"
        var out = GeneratedHeader.hashComment(config)
        out += """
            #
            # Build from the folder that holds \(GeneratedHeader.fileName(config)): docker build -f out\(outSuffix(config))/Dockerfile .
            # BuildKit reads Dockerfile.dockerignore beside this file instead of a .dockerignore in the context.
            # Every stage uses Debian \(debian) so the binary from the build stage finds the same glibc (and
            # libgcc_s) ABI in the runtime stage; everything else is linked into the binary.

            """
        if let frontend = config.build.frontend {
            out += frontendStage(frontend, debian: debian)
        }
        out += backendStage(config, debian: debian)  // DockerfileGenerator+Backend.swift
        out += swiftStage(config, debian: debian)
        out += runtimeStage(config, debian: debian)
        return Artifact(path: "Dockerfile", contents: out)
    }

    /// A config value placed on one Dockerfile line: a line break would start a new instruction.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static func outSuffix(_ config: PilotoConfig) -> String {
        config.environment.map { "/\($0)" } ?? ""
    }

    // MARK: Stage 1: the SPA

    private static func frontendStage(_ frontend: FrontendBuild, debian: String) -> String {
        let dir = PathText.join("/src", PathText.normalized(frontend.path.asWritten))
        let source = PathText.contextPath(frontend.path.asWritten)
        return """

            # Frontend stage: the single-page app. The manifest and lock file are copied first, so the
            # dependency install layer is reused until they change (`npm ci` needs the lock file).
            FROM node:\(oneLine(frontend.node))-\(debian)-slim AS frontend
            WORKDIR \(dir)
            COPY \(PathText.join(source, "package*.json")) ./
            RUN \(oneLine(frontend.install))
            COPY \(source.isEmpty ? "." : source) ./
            RUN \(oneLine(frontend.build))

            """
    }

    // MARK: Stage 2: piloto

    private static func swiftStage(_ config: PilotoConfig, debian: String) -> String {
        """

        # Build stage: piloto in release mode. The Swift runtime, libyaml and libcrypt are linked
        # statically (Package.swift links their .a archives, and libstdc++'s, with lld), and no target
        # imports Foundation (only FoundationEssentials, no ICU data), so the stripped binary is ~17 MB
        # and needs only glibc and libgcc_s at run time.
        FROM swift:\(oneLine(config.build.swift))-\(debian) AS build
        # Versions follow the base image's Debian release; pinning exact Debian revisions would break
        # the build on every security update of the mirror.
        # hadolint ignore=DL3008
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends libyaml-dev libcrypt-dev \\
            && rm -rf /var/lib/apt/lists/*
        WORKDIR /piloto
        \(pilotoSources(config.build.pilotoOrigin))# `--disable-local-rpath`: no `$ORIGIN` run path, so the loader looks for glibc in the system
        # folders only, not first in /usr/local/bin's hwcaps subfolders (~50 failed opens per start).
        # `strip` drops the static symbol table and debug sections (33 → 17 MB): names stay in .dynsym
        # (the static stdlib links with -export-dynamic), so crash backtraces keep them.
        RUN swift build -c release --static-swift-stdlib --disable-local-rpath --product piloto \\
            && strip .build/release/piloto \\
            && install -D -m 0755 .build/release/piloto /staging\(PilotoConfig.binaryPathInImage)

        """
    }

    /// How the build stage gets piloto's sources (`build.piloto`): never assumed to be the context.
    static func pilotoSources(_ origin: PilotoSource.Origin) -> String {
        switch origin {
        case .clone(let url, let ref):
            // One ref fetched at depth 1 works for a tag and for a full commit alike (`clone
            // --branch` cannot take a commit); the URL and ref are single-quoted for the shell.
            return """
                # piloto from \(oneLine(url)) at \(oneLine(ref)) (build.piloto): a tag or commit, so every
                # build of this Dockerfile compiles the same sources.
                RUN git init -q . \\
                    && git remote add origin \(shellQuoted(oneLine(url))) \\
                    && git fetch -q --depth 1 origin \(shellQuoted(oneLine(ref))) \\
                    && git checkout -q FETCH_HEAD

                """
        case .context(let folder):
            let source = PathText.contextPath(folder)
            let prefix = source.isEmpty ? "" : source + "/"
            return """
                # piloto's sources from \(source.isEmpty ? "the build context itself" : "'\(source)' in the build context") (build.piloto.path).
                # SwiftPM checks every target's folder when it loads the manifest, test targets included,
                # so Tests must be copied too, although only the piloto product is built.
                COPY \(prefix)Package.swift ./
                COPY \(prefix)Sources ./Sources
                COPY \(prefix)Tests ./Tests

                """
        }
    }

    /// POSIX single quotes: the text stays one word whatever it holds.
    package static func shellQuoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
    }

    // MARK: Stage 3: the runtime

    private static func runtimeStage(_ config: PilotoConfig, debian: String) -> String {
        let base = runtimeBase(config, debian: debian)  // DockerfileGenerator+Backend.swift
        var out = """

            \(base.comment)
            FROM \(base.image)
            RUN groupadd --system --gid \(runtimeUID) piloto \\
                && useradd --system --uid \(runtimeUID) --gid \(runtimeUID) --no-create-home \\
                    --shell /usr/sbin/nologin piloto
            WORKDIR \(PilotoConfig.appDirectory)
            COPY --from=build /staging\(PilotoConfig.binaryPathInImage) \(PilotoConfig.binaryPathInImage)

            """
        out += assetCopies(config)
        out += backendRuntime(config)
        if let users = config.sessions.usersFile, let source = PathText.safeRelative(users.asWritten) {
            out += "# The users file holds crypt(3) hashes, never passwords; the runtime reads it at boot.\n"
            out += "COPY \(source) \(PathText.join(PilotoConfig.appDirectory, source))\n"
        }
        out += "COPY \(GeneratedHeader.fileName(config)) \(PilotoConfig.configPathInImage)\n"
        var command = [PilotoConfig.binaryPathInImage, "serve", "--config", PilotoConfig.configPathInImage]
        if let environment = config.environment { command += ["--env", environment] }
        let exec = "[" + command.map { JSONString.quoted($0) }.joined(separator: ", ") + "]"
        out += """
            USER \(runtimeUID):\(runtimeUID)
            # Cloud Run sends traffic to this port (PORT is set to it); the service's containerPort matches.
            EXPOSE \(config.server.port)
            # Exec form: piloto is PID 1 and receives SIGTERM itself, drains, and exits within the grace period.
            ENTRYPOINT \(exec)

            """
        return out
    }

    /// `COPY` lines for the SPA build output and for any `spa`/`static` root outside it.
    private static func assetCopies(_ config: PilotoConfig) -> String {
        var out = ""
        var covered: [String] = []
        if let frontend = config.build.frontend {
            let built = PathText.join(PathText.normalized(frontend.path.asWritten), PathText.normalized(frontend.output))
            covered.append(built)
            out += "COPY --from=frontend \(PathText.join("/src", built)) \(PathText.join(PilotoConfig.appDirectory, built))\n"
        }
        for route in config.routes {
            let root: String
            switch route.handler {
            case .spa(let spa): root = spa.root.asWritten
            case .staticFiles(let files): root = files.root.asWritten
            default: continue
            }
            guard let relative = PathText.safeRelative(root) else {
                out += "# \(route.path): root '\(root)' is outside the build context; mount or copy it yourself.\n"
                continue
            }
            if covered.contains(where: { PathText.isInside(relative, $0) }) { continue }
            covered.append(relative)
            out += "COPY \(relative) \(PathText.join(PilotoConfig.appDirectory, relative))\n"
        }
        return out
    }
}
