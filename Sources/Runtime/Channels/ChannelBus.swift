/// Carries WebSocket channel traffic between instances (Redis pub/sub when `sessions.store: redis`).
///
/// The local channel hub always delivers a message to its own members itself; the bus only carries
/// it to *other* instances, and must drop what this instance published when it comes back, so every
/// member receives each message exactly once. Payloads are opaque to the bus (encoded envelopes).
package protocol ChannelBus: Sendable {
    /// Starts receiving what other instances publish on `channel` (first local member joined).
    func subscribe(_ channel: String)
    /// Stops receiving `channel` (last local member left).
    func unsubscribe(_ channel: String)
    /// Sends `payload` to the members of `channel` on other instances.
    func publish(_ channel: String, payload: [UInt8])
    /// Where messages from other instances go; set once, before the first `subscribe`. Called on
    /// the bus's own thread.
    func setReceiver(_ receiver: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void)
}

/// The single-instance bus: there is nobody else to tell.
package struct LocalChannelBus: ChannelBus {
    package init() {}
    package func subscribe(_ channel: String) {}
    package func unsubscribe(_ channel: String) {}
    package func publish(_ channel: String, payload: [UInt8]) {}
    package func setReceiver(_ receiver: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void) {}
}
