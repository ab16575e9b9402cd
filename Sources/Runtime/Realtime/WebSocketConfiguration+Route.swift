import PilotoConfig

/// The core's WebSocket settings from the YAML model (the core itself never sees the config).
extension WebSocketConfiguration {
    /// The configuration for a `websocket` route: its `max_message`, and a lifetime that ends
    /// `lifetimeMargin` before Cloud Run's request timeout (which bounds every WebSocket's life).
    package init(route: WebSocketRoute, requestTimeout: TimeSpan?, lifetimeMargin: Duration = .seconds(5)) {
        self.init()
        let limit = Int(clamping: max(0, route.maxMessage.bytes))
        maxMessageSize = limit
        maxFrameSize = limit
        if let requestTimeout {
            let full = requestTimeout.duration
            maxLifetime = full > lifetimeMargin * 2 ? full - lifetimeMargin : full / 2
        }
    }
}
