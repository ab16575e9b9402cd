import PilotoConfig

/// `Dockerfile.dockerignore`: what the build context must not send to the builder.
///
/// BuildKit uses `<Dockerfile>.dockerignore` beside the Dockerfile in preference to the context's
/// `.dockerignore`, so this file travels with the generated Dockerfile. Build outputs are excluded
/// because the stages rebuild them: a stale local `frontend/dist` or `.build` must never reach the
/// image, and `.build` alone can be gigabytes of context upload.
package enum DockerignoreGenerator {
    package static func generate(_ config: PilotoConfig) -> Artifact {
        var patterns = [
            ".git", ".build", ".build-*", ".swiftpm", "out", "bench", "docs", "**/node_modules",
            "**/.DS_Store", "**/*.log", ".env", ".env.*",
        ]
        if let frontend = config.build.frontend {
            let built = PathText.join(PathText.normalized(frontend.path.asWritten), PathText.normalized(frontend.output))
            if !built.isEmpty { patterns.append(built) }
        }
        // A vendored piloto's own build folder (`build.piloto.path`): the build stage rebuilds it.
        if case .context(let folder) = config.build.pilotoOrigin, !PathText.normalized(folder).isEmpty {
            patterns.append(PathText.join(PathText.normalized(folder), ".build"))
        }
        // A backend's local virtual environment, bytecode and database (DockerignoreGenerator+Backend.swift).
        patterns += backendPatterns(config)
        var out = GeneratedHeader.hashComment(config)
        out += "#\n# Paths are relative to the build context (the folder that holds \(GeneratedHeader.sourceName(config))).\n"
        out += patterns.joined(separator: "\n") + "\n"
        return Artifact(path: "Dockerfile.dockerignore", contents: out)
    }
}
