/// `routes:` rules: path shape, uniqueness, SPA last, handler options.
extension Validator {
    mutating func checkRoutes() {
        var seen: [String: Int] = [:]
        let routes = config.routes
        // Map decoded routes back to their index in the file (routes that failed to decode are skipped).
        let indices = routeIndices
        for (position, route) in routes.enumerated() {
            let index = position < indices.count ? indices[position] : position
            let pathKey = Self.routePath(index, "path")
            if !Self.isRoutePath(route.path) {
                report(.error, at: pathKey,
                    "route path '\(route.path)' must start with '/', have no trailing '/', '//', '?', '#', '.' or '..' segments, or whitespace")
            } else if let first = seen[route.path] {
                let mark = sourceMap.value(Self.routePath(first, "path"))
                let note = Diagnostic(
                    severity: .note, file: file, line: mark.line, column: mark.column,
                    message: "'\(route.path)' first routed here")
                report(.error, at: pathKey, "duplicate route path '\(route.path)'; the first one would always win",
                    notes: [note])
            } else {
                seen[route.path] = index
            }
            switch route.handler {
            case .spa:
                if position != routes.count - 1 {
                    report(.error, at: Self.routePath(index, "handler"),
                        "a 'spa' route must be the last route: its index.html fallback would hide every route after it")
                }
            case .proxy(let proxy):
                checkProxyRoute(proxy, index: index)  // Validator+Backends.swift
            case .websocket(let ws):
                for (i, origin) in ws.origins.enumerated() where !Self.isOrigin(origin) {
                    report(.error, at: Self.routePath(index, "origins") + "[\(i)]",
                        "invalid origin '\(origin)': expected scheme://host[:port] with no path (RFC 6454)")
                }
                if ws.maxMessage.bytes < 125 || ws.maxMessage > .mebibytes(64) {
                    report(.error, at: Self.routePath(index, "max_message"), "max_message must be 125B…64MiB")
                }
            case .staticFiles(let s):
                if case .maxAge(let span) = s.cache, span.milliseconds % 1000 != 0 {
                    report(.error, at: Self.routePath(index, "cache"), "cache max-age must be whole seconds")
                }
            case .health, .auth, .dashboard, .metrics:
                break
            }
            if case .spa(let spa) = route.handler, spa.index.isEmpty || spa.index.contains("/") {
                report(.error, at: Self.routePath(index, "index"), "index must be a file name inside root, found '\(spa.index)'")
            }
        }
        if routes.isEmpty && sourceMap.isWritten("routes") && !rejected(["routes"]) {
            report(.error, at: "routes", "routes needs at least one route (e.g. a 'health' route and an 'spa' route)")
        }
        if config.healthPath == nil, !routes.isEmpty {
            report(.warning, at: "routes", key: true,
                "no 'health' route: Cloud Run's startup probe and the readiness check need one")
        }
    }

    /// A prefix: `/` or `/seg(/seg)*` with no empty, `.` or `..` segment.
    static func isRoutePath(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        if path == "/" { return true }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return segments.allSatisfy { seg in
            !seg.isEmpty && seg != "." && seg != ".."
                && seg.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "?" && $0 != "#" }
        }
    }

    /// `http://host:port[/base]`.
    static func isUpstream(_ url: String) -> Bool {
        guard url.hasPrefix("http://") else { return false }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        guard let colon = authority.lastIndex(of: ":") else { return false }
        let host = authority[..<colon]
        guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port), !host.isEmpty else {
            return false
        }
        return host.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "."
        }
    }

    /// `https://host[:port]` (or http), nothing after the authority.
    static func isOrigin(_ origin: String) -> Bool {
        let rest: Substring
        if origin.hasPrefix("https://") {
            rest = origin.dropFirst(8)
        } else if origin.hasPrefix("http://") {
            rest = origin.dropFirst(7)
        } else {
            return false
        }
        guard !rest.isEmpty, !rest.contains("/") else { return false }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return false }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return false }
        }
        return parts[0].unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "."
        }
    }
}
