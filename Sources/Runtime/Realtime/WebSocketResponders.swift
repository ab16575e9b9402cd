import PilotoConfig

/// Builds the responders of every `handler: websocket` route of a config, sharing one
/// `ChannelHub` (all `mode: channels` routes share one channel namespace) whose deliveries go
/// through the server's loops.
package enum WebSocketResponders {
    /// - Parameters:
    ///   - sessions: where `auth: required` routes look up the session cookie.
    ///   - store: where channel messages are stored (`RedisChannelStore` with `sessions.store:
    ///     redis`); nil: a `MemoryChannelStore` sized by `realtime.history`.
    ///   - presence: who is in each channel; nil: a `MemoryPresenceDirectory` with
    ///     `realtime.presence_debounce`.
    ///   - devMode: `piloto serve --dev` (loopback origins allowed).
    ///   - tune: adjusts every route's `WebSocketConfiguration` (tests shorten timers).
    /// - Returns: the builder of a `handler: websocket` route's responder, for
    ///   `ApplicationResponders.websocket`; every route it builds shares the hub.
    package static func make(
        link: ServerLink, sessions: any SessionStore, store: (any ChannelStore)? = nil,
        presence: (any PresenceDirectory)? = nil, devMode: Bool, tune: @escaping (inout WebSocketConfiguration) -> Void = { _ in }
    ) -> (Route, WebSocketRoute) -> any Responder {
        let realtime = link.config.realtime
        let store = store ?? MemoryChannelStore(limits: historyLimits(realtime.history))
        let presence = presence ?? MemoryPresenceDirectory(debounceMilliseconds: realtime.presenceDebounce.milliseconds)
        // The hub keeps the link alive (nothing else does once the server is built); the link holds
        // the server weakly, so there is no cycle.
        let hub = ChannelHub(store: store, presence: presence) { frame, handles in link.deliver(frame, toEach: handles) }
        return { route, options in
            WebSocketResponder(
                route: route, options: options, config: link.config, sessions: sessions, hub: hub,
                gauge: link.metrics.webSockets, devMode: devMode, tune: tune)
        }
    }

    /// `realtime.history` as the ring's bounds.
    package static func historyLimits(_ history: HistoryConfig) -> ChannelHistory.Limits {
        ChannelHistory.Limits(
            size: history.size, maxBytes: Int(clamping: history.maxBytes.bytes), ttlMilliseconds: history.ttl.milliseconds)
    }
}
