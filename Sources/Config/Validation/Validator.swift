/// Cross-field rules over the typed config, reported at the positions in `SourceMap`.
///
/// Rules read typed values only; a rule whose inputs were already rejected by the schema check is
/// skipped, so one mistake gives one message.
struct Validator {
    let file: String
    let config: PilotoConfig
    let sourceMap: SourceMap
    let skip: Set<String>
    /// For each decoded route, its index in the file's `routes:` list.
    let routeIndices: [Int]
    var diagnostics: [Diagnostic] = []
    /// False when serving: build-time inputs (`build.piloto.path`'s Package.swift) are not in the image.
    var checksBuildSources = true

    /// True when any of `paths` had a rejected value.
    func rejected(_ paths: [String]) -> Bool {
        paths.contains { path in
            var current: String? = path
            while let p = current {
                if skip.contains(p) { return true }
                current = SourceMap.parent(of: p)
            }
            return false
        }
    }

    mutating func report(
        _ severity: Diagnostic.Severity, at path: String, key: Bool = false, _ message: String,
        inputs: [String] = [], notes: [Diagnostic] = []
    ) {
        guard !rejected(inputs + [path]) else { return }
        let mark = key ? sourceMap.key(path) : sourceMap.value(path)
        diagnostics.append(Diagnostic(
            severity: severity, file: file, line: mark.line, column: mark.column, message: message, notes: notes))
    }

    mutating func run() {
        checkService()
        checkScaling()
        checkResources()
        checkServer()
        checkCookies()
        checkRoutes()
        checkWebSockets()
        checkSessions()
        checkEnvironment()
        checkNetwork()
        checkMonitoring()
        checkRealtime()
        checkBuild()
        checkPilotoSource()
        checkEdge()  // Validator+Edge.swift
        checkBackends()  // Validator+Backends.swift
        checkIdentityKey()
        checkShadowedRoutes()
        checkCostCeiling()
    }

    /// Index of a route in `routes:`, for its source path.
    static func routePath(_ index: Int, _ key: String) -> String { "routes[\(index)].\(key)" }
}
