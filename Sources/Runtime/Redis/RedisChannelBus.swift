import Synchronization

/// WebSocket channel traffic between instances over Redis pub/sub (`sessions.store: redis`).
///
/// - Redis channel: `piloto:ch:<channel>`, so piloto shares a Redis with other users safely.
/// - Exactly once: every payload is prefixed with this instance's 16 random bytes; Redis sends a
///   PUBLISH back to the publisher too when it is subscribed, and the bus drops those (the local
///   hub has delivered them already). Other instances strip the prefix and deliver once.
/// - Subscriptions are reference-counted per channel (the hub calls subscribe/unsubscribe per
///   member or per first/last member — either is correct), and the subscriber connection subscribes
///   to the whole set again after every reconnect.
/// - Publishing while Redis is unreachable drops the message and counts it (`stats.dropped`), no
///   queue: channel messages are live updates, a backlog replayed after an outage would arrive late
///   and out of order with what clients reloaded meanwhile; local members still get them.
package final class RedisChannelBus: ChannelBus {
    package static let channelPrefix = "piloto:ch:"
    static let instanceIDLength = 16

    package struct Stats: Sendable, Equatable {
        package var published = 0
        package var dropped = 0
        package var received = 0
        package var ownEchoesDropped = 0
    }

    private let client: RedisClient
    private let instanceID: [UInt8]
    private let state: Mutex<BusState>
    private let subscriberBox = Mutex<RedisSubscriber?>(nil)

    private struct BusState {
        var counts: [String: Int] = [:]
        var receiver: (@Sendable (String, [UInt8]) -> Void)?
        var stats = Stats()
    }

    /// - Parameters:
    ///   - client: the command connection (PUBLISH);
    ///   - url/options: for the dedicated subscriber connection this bus opens.
    package init(client: RedisClient, url: RedisURL, options: RedisClientOptions = RedisClientOptions()) throws(RedisError) {
        self.client = client
        var generator = SystemRandomNumberGenerator()
        instanceID = (0..<Self.instanceIDLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        state = Mutex(BusState())
        let subscriber = try RedisSubscriber(url: url, options: options) { [weak self] channel, payload in
            self?.received(channel: channel, payload: payload)
        }
        subscriberBox.withLock { $0 = subscriber }
    }

    deinit { close() }

    /// Closes the subscriber connection (the command client belongs to the caller).
    package func close() { subscriberBox.withLock { $0?.close() } }

    package var stats: Stats { state.withLock { $0.stats } }
    /// The subscriber connection is up (readiness may report it).
    package var isSubscriberConnected: Bool { subscriberBox.withLock { $0?.isConnected ?? false } }

    package func setReceiver(_ receiver: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void) {
        state.withLock { $0.receiver = receiver }
    }

    package func subscribe(_ channel: String) {
        let first = state.withLock { s -> Bool in
            s.counts[channel, default: 0] += 1
            return s.counts[channel] == 1
        }
        if first { subscriberBox.withLock { $0?.subscribe(Self.channelPrefix + channel) } }
    }

    package func unsubscribe(_ channel: String) {
        let last = state.withLock { s -> Bool in
            guard let count = s.counts[channel] else { return false }
            if count <= 1 {
                s.counts[channel] = nil
                return true
            }
            s.counts[channel] = count - 1
            return false
        }
        if last { subscriberBox.withLock { $0?.unsubscribe(Self.channelPrefix + channel) } }
    }

    package func publish(_ channel: String, payload: [UInt8]) {
        guard client.isConnected else {
            state.withLock { $0.stats.dropped += 1 }
            return
        }
        let arguments: [[UInt8]] = [Array("PUBLISH".utf8), Array((Self.channelPrefix + channel).utf8), instanceID + payload]
        client.send(arguments) { [weak self] result in
            self?.state.withLock {
                if case .success = result { $0.stats.published += 1 } else { $0.stats.dropped += 1 }
            }
        }
    }

    private func received(channel: String, payload: [UInt8]) {
        guard channel.hasPrefix(Self.channelPrefix), payload.count >= Self.instanceIDLength else { return }
        let own = payload.prefix(Self.instanceIDLength).elementsEqual(instanceID)
        let receiver = state.withLock { s -> (@Sendable (String, [UInt8]) -> Void)? in
            if own {
                s.stats.ownEchoesDropped += 1
                return nil
            }
            s.stats.received += 1
            return s.receiver
        }
        receiver?(String(channel.dropFirst(Self.channelPrefix.count)), Array(payload.dropFirst(Self.instanceIDLength)))
    }
}
