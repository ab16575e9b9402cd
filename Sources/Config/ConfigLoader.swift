import FoundationEssentials

/// The one way any part of piloto reads a config: read → parse → interpolate → overlay → type →
/// validate. `validate`, `generate` and `serve` all call this, so the server can never accept a
/// config the CLI rejects.
package enum ConfigLoader {
    /// Largest config file accepted; a piloto.yaml is a few KiB.
    package static let maximumBytes = 1 << 20

    /// Read file, parse, interpolate `${VAR}`, apply overlay, decode, validate.
    package static func load(
        path: String, environment: String? = nil,
        variables: [String: String] = ProcessInfo.processInfo.environment, purpose: LoadPurpose = .check
    ) throws(ConfigError) -> LoadedConfig {
        let absolute = path.hasPrefix("/") ? path : LocalFiles.currentDirectory + "/" + path
        let directory = PathResolution.resolve(absolute + "/..", against: "/")
        guard let data = LocalFiles.contents(path, limit: maximumBytes) else {
            throw failure(path, "cannot read config file '\(path)' (does it exist?)")
        }
        guard data.count <= maximumBytes else {
            throw failure(path, "config file is larger than \(maximumBytes) bytes")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw failure(path, "config file is not valid UTF-8")
        }
        return try load(
            yaml: text, sourceName: path, baseDirectory: directory, environment: environment, variables: variables,
            purpose: purpose)
    }

    /// Same from text; `sourceName` is what diagnostics print, `baseDirectory` resolves relative paths.
    package static func load(
        yaml: String, sourceName: String, baseDirectory: String, environment: String? = nil,
        variables: [String: String] = [:], purpose: LoadPurpose = .check
    ) throws(ConfigError) -> LoadedConfig {
        let renderer = DiagnosticRenderer(source: yaml)
        var diagnostics: [Diagnostic] = []
        /// Everything found so far, in order, as the error that stops the load.
        func failure() -> ConfigError {
            let sorted = sortAndDeduplicate(diagnostics)
            return ConfigError(diagnostics: sorted, rendered: renderer.render(sorted))
        }

        let (outcome, parseDiagnostics) = YAMLParser.parseDocument(yaml, file: sourceName)
        diagnostics += parseDiagnostics
        guard case .document(let root) = outcome else { throw failure() }
        if root == nil && parseDiagnostics.contains(where: { $0.severity == .error }) { throw failure() }
        guard case .mapping(var document) = root else {
            let mark = root?.mark ?? .start
            diagnostics.append(Diagnostic(
                severity: .error, file: sourceName, line: mark.line, column: mark.column,
                message: root == nil
                    ? "the config is empty; expected a mapping with service:, routes: and other sections"
                    : "expected a mapping with service:, routes: and other sections, found \(root?.kindDescription ?? "")"))
            throw failure()
        }

        // Overlays: pick the selected one before interpolation, so unselected overlays may
        // reference variables that only their own deployment sets.
        var overlay: YAMLMapping?
        if let environment {
            let environments = document["environments"]
            var names: [String] = []
            if case .mapping(let envs)? = environments {
                names = envs.pairs.map(\.key.text)
                if case .mapping(let chosen)? = envs[environment] { overlay = chosen }
            }
            if !names.contains(environment) {
                let mark = document.pair("environments")?.key.mark ?? .start
                var message = "unknown environment '\(environment)'"
                message += names.isEmpty ? "; this config declares no environments:" : "; known: " + names.joined(separator: ", ")
                if let near = EditDistance.suggestion(for: environment, among: names) { message += "; did you mean '\(near)'?" }
                diagnostics.append(Diagnostic(
                    severity: .error, file: sourceName, line: mark.line, column: mark.column, message: message))
            }
        }

        // Before interpolation: which variable the identity key comes from (ModelBuilder+Backends.swift).
        let identityKeyVariable = ModelBuilder.identityKeyVariable(overlay: overlay, document: document)
        var interpolator = Interpolator(file: sourceName, variables: variables, source: yaml)
        document.pairs = document.pairs.map { pair in
            guard pair.key.text != "environments" else { return pair }
            var pair = pair
            pair.value = interpolator.node(pair.value, path: pair.key.text)
            return pair
        }
        if let chosen = overlay, let environment {
            if case .mapping(let interpolated) = interpolator.node(.mapping(chosen), path: "environments.\(environment)") {
                document = Overlay.merge(document, interpolated)
            }
        }
        diagnostics += interpolator.diagnostics

        var checker = SchemaChecker(file: sourceName, failedMarks: interpolator.failedMarks)
        checker.selectedEnvironment = environment
        let typed = checker.checkRoot(document, partial: false)
        diagnostics += checker.diagnostics

        var built: (config: PilotoConfig, routeIndices: [Int])
        do {
            built = try ModelBuilder(sourceName: sourceName, baseDirectory: baseDirectory)
                .build(typed, environment: environment, environmentNames: checker.environmentNames)
            built.config.sessions.identityKeyVariable = identityKeyVariable
        } catch {
            diagnostics.append(Diagnostic(
                severity: .error, file: sourceName, line: 1, column: 1, message: "internal error (a bug in piloto): \(error)"))
            throw failure()
        }
        var validator = Validator(
            file: sourceName, config: built.config, sourceMap: checker.sourceMap, skip: checker.erroredPaths,
            routeIndices: built.routeIndices)
        validator.checksBuildSources = purpose == .check
        validator.run()
        diagnostics += validator.diagnostics

        let sorted = sortAndDeduplicate(diagnostics)
        if sorted.contains(where: { $0.severity == .error }) { throw failure() }
        return LoadedConfig(config: built.config, warnings: sorted, renderedWarnings: renderer.render(sorted))
    }

    /// By position (stable for equal positions), each distinct diagnostic once.
    static func sortAndDeduplicate(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var unique: [Diagnostic] = []
        for d in diagnostics where !unique.contains(d) { unique.append(d) }
        return unique.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
    }

    private static func failure(_ file: String, _ message: String) -> ConfigError {
        let d = Diagnostic(severity: .error, file: file, line: 1, column: 1, message: message)
        return ConfigError(diagnostics: [d], rendered: d.header + "\n")
    }
}
