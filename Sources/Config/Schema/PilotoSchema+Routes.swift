extension PilotoSchema {
    /// Handler keywords, in documentation order (the cases of `RouteHandler.Kind`).
    package static let handlerNames = RouteHandler.Kind.allCases.map(\.rawValue)

    /// Every key a route may have; `handlers` says which handlers take it.
    static let routeKeys: [KeySpec] = [
        KeySpec(
            "path", .string, .required, example: "/api",
            "Path prefix: starts with `/`, no trailing slash (except `/`), unique among routes."),
        KeySpec(
            "handler", .choice(handlerNames), .required,
            "`health` (liveness; `PATH/ready` readiness), `auth` (login/logout/me), `dashboard`, `metrics` "
                + "(Prometheus), `websocket`, `static`, `spa` (must be last), `proxy`."),
        KeySpec("auth", .choice(["none", "required"]), .defaulted("none"), "`required`: a valid session cookie is needed (401 otherwise)."),
        KeySpec(
            "mode", .choice(WebSocketRoute.Mode.allCases.map(\.rawValue)), .defaulted("channels"), handlers: [.websocket],
            "`echo`: messages come back to the sender; `channels`: `PATH/CHANNEL` joins a channel."),
        KeySpec("max_message", .byteSize, .defaulted("1MiB"), handlers: [.websocket], "Largest message after joining fragments (close 1009 beyond)."),
        KeySpec(
            "origins", .list(.string), .implied, example: "[https://admin.example.com]", handlers: [.websocket],
            "Extra allowed `Origin` values besides `https://<service.domain>` (cross-site WebSocket hijacking guard)."),
        KeySpec("root", .string, .required, example: "frontend/dist", handlers: [.staticFiles, .spa], "Folder served, relative to the config file; checked by `serve`, not `validate`."),
        KeySpec(
            "cache", .cachePolicy, .defaulted("no-cache"), handlers: [.staticFiles],
            "`immutable` (content-hashed names: one year), `no-cache` (revalidate with ETag) or a duration (max-age)."),
        KeySpec("index", .string, .defaulted("index.html"), handlers: [.spa], "Document served for page navigations that match no file."),
        KeySpec("allow_remote", .boolean, .defaulted("false"), handlers: [.metrics], "false: only loopback clients get an answer."),
    ] + proxyRouteKeys
}
