import PilotoRuntime

extension ServeCommand {
    /// Responders for every `handler: websocket` route (echo and channels).
    ///
    /// - Parameters:
    ///   - sessions: where `auth: required` WebSocket routes look up the session cookie (the same
    ///     store the auth routes write; `NoSessionStore` only when none could be built: then 401).
    ///   - store: where channel messages are stored; nil: in memory (one instance).
    static func realtimeResponders(
        link: ServerLink, devMode: Bool, sessions: any SessionStore = NoSessionStore(),
        store: (any ChannelStore)? = nil
    ) -> [String: any Responder] {
        WebSocketResponders.make(link: link, sessions: sessions, store: store, devMode: devMode)
    }
}
