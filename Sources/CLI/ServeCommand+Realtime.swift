import PilotoRuntime

extension ServeCommand {
    /// Responders for every `handler: websocket` route (echo and channels).
    ///
    /// - Parameters:
    ///   - sessions: where `auth: required` WebSocket routes look up the session cookie (the same
    ///     store the auth routes write; `NoSessionStore` only when none could be built: then 401).
    ///   - bus: `RedisChannelBus` with `sessions.store: redis`, else `LocalChannelBus`.
    static func realtimeResponders(
        link: ServerLink, devMode: Bool, sessions: any SessionStore = NoSessionStore(),
        bus: any ChannelBus = LocalChannelBus()
    ) -> [String: any Responder] {
        WebSocketResponders.make(link: link, sessions: sessions, bus: bus, devMode: devMode)
    }
}
