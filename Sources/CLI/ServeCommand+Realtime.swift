import PilotoRuntime

extension ServeCommand {
    /// Responders for every `handler: websocket` route (echo and channels).
    ///
    /// - Parameter sessions: where `auth: required` WebSocket routes look up the session cookie.
    ///   `NoSessionStore` until the memory/Redis stores are wired here: with it, those routes answer 401.
    static func realtimeResponders(
        link: ServerLink, devMode: Bool, sessions: any SessionStore = NoSessionStore()
    ) -> [String: any Responder] {
        WebSocketResponders.make(link: link, sessions: sessions, devMode: devMode)
    }
}
