import PilotoConfig

/// The Python half of the Dockerfile for `run:` backends (issue 12): a backend stage that builds a
/// virtual environment from `build.backend`, and the runtime stage on the matching Python image.
///
/// The virtual environment is created in the backend stage and copied whole to the same path in the
/// runtime stage: its `bin/python` is a symlink to the base image's interpreter, which is why the
/// runtime stage is `python:VERSION-slim-bookworm` too (same interpreter path, same Debian release
/// as the Swift build stage, so piloto finds the same glibc). pip, compilers and caches stay behind.
extension DockerfileGenerator {
    /// Where the virtual environment lives in both stages.
    static let virtualEnvironment = "/opt/venv"

    /// True when the image carries a Python backend: `build.backend` and at least one `run:` backend.
    static func buildsBackend(_ config: PilotoConfig) -> Bool {
        config.build.backend != nil && config.backends.contains(where: \.isRun)
    }

    static func pythonImage(_ backend: BackendBuild, debian: String) -> String {
        "python:\(oneLine(backend.python))-slim-\(debian)"
    }

    static func backendStage(_ config: PilotoConfig, debian: String) -> String {
        guard buildsBackend(config), let backend = config.build.backend else { return "" }
        let source = PathText.contextPath(backend.path.asWritten)
        let dir = PathText.join("/src", source.isEmpty ? "backend" : source)
        let install = oneLine(backend.install)
        // Requirements files first, so the install layer is reused until they change; any other
        // install command (e.g. `pip install .`) needs the whole project.
        let manifest = install.contains("requirements")
            ? "COPY \(PathText.join(source, "requirements*.txt")) ./\nRUN \(install)\n"
            : "COPY \(source.isEmpty ? "." : source) ./\nRUN \(install)\n"
        return """

            # Backend stage: the run: backends' Python environment (build.backend), a virtual environment
            # copied whole into the runtime stage, so the image needs no pip, compiler or cache.
            FROM \(pythonImage(backend, debian: debian)) AS backend
            ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
            RUN python -m venv \(virtualEnvironment)
            ENV PATH="\(virtualEnvironment)/bin:$PATH"
            WORKDIR \(dir)
            \(manifest)
            """
    }

    /// The runtime stage's base: Debian slim, or the backend's Python image when it has one.
    static func runtimeBase(_ config: PilotoConfig, debian: String) -> (image: String, comment: String) {
        guard buildsBackend(config), let backend = config.build.backend else {
            return (
                "debian:\(debian)-slim",
                """
                # Runtime stage: debian:\(debian)-slim with nothing installed. The binary needs only glibc and
                # libgcc_s, both in the base image; piloto makes no TLS connections, so no ca-certificates.
                # Why not distroless cc: same libraries, ~50 MB smaller, but tools/image_check rebuilds this
                # stage from Debian's own packages with debootstrap, which a distroless image is not.
                """
            )
        }
        let image = pythonImage(backend, debian: debian)
        return (
            image,
            """
            # Runtime stage: \(image), the backend stage's own interpreter (the virtual
            # environment's python links to it), on the same Debian release as the build stage: piloto
            # needs only glibc and libgcc_s, both in it. piloto is PID 1 and starts the run: backends
            # as its children (it forwards SIGTERM to them after draining).
            """
        )
    }

    /// The virtual environment, its PATH, and each `run:` backend's folder, in the runtime stage.
    static func backendRuntime(_ config: PilotoConfig) -> String {
        guard buildsBackend(config), let backend = config.build.backend else { return "" }
        var out = """
            # The backend's virtual environment, first on PATH, so run: [uvicorn, …] finds its uvicorn.
            # Unbuffered output: piloto wraps each line the backend prints into a Cloud Logging entry.
            COPY --from=backend \(virtualEnvironment) \(virtualEnvironment)
            ENV PATH="\(virtualEnvironment)/bin:$PATH" VIRTUAL_ENV=\(virtualEnvironment) PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1

            """
        // The backend's sources where the config expects them: build.backend.path, then any run: dir
        // outside it (each at /app/<path>, like every other path of the config).
        var folders: [String] = []
        var outside: [String] = []
        for (label, written) in [("build.backend.path", backend.path.asWritten)]
            + config.backends.filter(\.isRun).compactMap({ b in b.dir.map { ("backends.\(b.name).dir", $0.asWritten) } })
        {
            guard let relative = PathText.safeRelative(written) else {
                outside.append("# \(label) '\(written)' is the build context root or outside it: copy the backend's files yourself.\n")
                continue
            }
            if !folders.contains(where: { PathText.isInside(relative, $0) }) { folders.append(relative) }
        }
        for folder in folders { out += "COPY \(folder) \(PathText.join(PilotoConfig.appDirectory, folder))\n" }
        out += outside.joined()
        return out
    }
}
