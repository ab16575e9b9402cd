/// One thing a subscriber connection listens to: a channel (`SUBSCRIBE`) or a glob pattern
/// (`PSUBSCRIBE`). Ordered (channels first, then by name) so the wire order is deterministic.
package enum RedisSubscription: Sendable, Hashable, Comparable {
    case channel(String)
    case pattern(String)

    package var name: String {
        switch self {
        case .channel(let name), .pattern(let name): name
        }
    }

    package static func < (a: RedisSubscription, b: RedisSubscription) -> Bool {
        switch (a, b) {
        case (.channel(let x), .channel(let y)), (.pattern(let x), .pattern(let y)): x < y
        case (.channel, .pattern): true
        case (.pattern, .channel): false
        }
    }
}

/// A message pushed on a subscriber connection: RESP2 `["message", channel, payload]`, or
/// `["pmessage", pattern, channel, payload]` for a pattern subscription.
package struct RedisPubSubMessage: Sendable, Equatable {
    /// The channel it was published to.
    package var channel: String
    /// The pattern that matched, for `pmessage`; nil for a channel subscription.
    package var pattern: String?
    package var payload: [UInt8]

    /// The subscription it arrived through.
    package var subscription: RedisSubscription { pattern.map { .pattern($0) } ?? .channel(channel) }
}

/// What the handshake learned about the server (`INFO server`), reported when the connection is
/// ready. `runID` changes on every restart of `redis-server` (and differs on a failover target), so
/// a consumer that stored data under one run id can tell its data may be older or gone.
package struct RedisServerInfo: Sendable, Equatable {
    /// `run_id`: 40 random hex characters chosen at server start; nil when INFO was refused.
    package var runID: String?
    /// `redis_version`, for logs.
    package var version: String?

    package init(runID: String? = nil, version: String? = nil) {
        self.runID = runID
        self.version = version
    }

    /// Reads `INFO server`'s `key:value` lines (CRLF-separated, `#` section headers).
    package init(info text: String) {
        self.init()
        for line in text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = String(line[line.index(after: colon)...])
            switch line[..<colon] {
            case "run_id": runID = value
            case "redis_version": version = value
            default: break
            }
        }
    }
}

/// Why the socket under a connection failed, as the transport reports it.
package enum RedisLinkError: Error, Sendable, Equatable {
    /// The host name did not resolve.
    case resolve(host: String, reason: String)
    /// connect(2) failed (`reason` is strerror's text).
    case connect(reason: String)
    /// The server closed the connection (EOF).
    case closedByServer
    /// read(2) or send(2) failed.
    case io(reason: String)

    package var description: String {
        switch self {
        case .resolve(let host, let reason): "resolve \(host): \(reason)"
        case .connect(let reason): reason
        case .closedByServer: "connection closed by server"
        case .io(let reason): reason
        }
    }
}
