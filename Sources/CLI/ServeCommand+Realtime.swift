import PilotoConfig
import PilotoRuntime

extension ServeCommand {
    /// The builder of every `handler: websocket` route's responder (echo and channels).
    ///
    /// - Parameters:
    ///   - sessions: where `auth: required` WebSocket routes look up the session cookie (the same
    ///     store the auth routes write; `NoSessionStore` only when none could be built: then 401).
    ///   - store: where channel messages are stored; nil: in memory (one instance).
    ///   - presence: who is in each channel; nil: this instance's own members (memory).
    ///
    /// With `sessions.store: redis` both come from `RedisServices` (`redis.channels`,
    /// `redis.presence`): without them instances would not see each other's messages or members.
    static func realtimeResponders(
        link: ServerLink, devMode: Bool, sessions: any SessionStore = NoSessionStore(),
        store: (any ChannelStore)? = nil, presence: (any PresenceDirectory)? = nil
    ) -> (Route, WebSocketRoute) -> any Responder {
        WebSocketResponders.make(link: link, sessions: sessions, store: store, presence: presence, devMode: devMode)
    }
}
