/// A Redis client for commands: one pipelined connection on a server event loop.
///
/// `send` never blocks: the command is handed to the loop, written at once when connected
/// (pipelined: replies are matched to callbacks in FIFO order, as Redis answers in order), and its
/// completion runs on the loop's thread. See `RedisConnectionMachine` for timeouts,
/// reconnects and back-off. Dropping the last reference closes the connection.
package final class RedisClient: Sendable {
    private let connection: RedisConnection
    /// The loop the connection runs on (the stores built on this client open their subscriber there).
    package let loop: LoopHandle

    /// - Parameter loop: a server event loop (`ServerLink.loops`); commands sent before it runs wait.
    package init(url: RedisURL, loop: LoopHandle, options: RedisClientOptions = RedisClientOptions()) {
        self.loop = loop
        connection = RedisConnection(url: url, loop: loop, options: options, handler: nil)
    }

    deinit { connection.stop() }

    package var url: RedisURL { connection.url }
    package var state: RedisConnectionState { connection.state }
    package var isConnected: Bool { state == .connected }
    /// What the last handshake learned (`run_id`); nil before the first one.
    package var serverInfo: RedisServerInfo? { connection.serverInfo }

    /// Sends one command (`["SET", key, value]`); binary-safe arguments.
    package func send(
        _ arguments: [[UInt8]], completion: @escaping @Sendable (Result<RESPValue, RedisError>) -> Void
    ) {
        connection.submit(RESPEncoder.command(arguments), completion: completion)
    }

    package func send(
        _ arguments: [String], completion: @escaping @Sendable (Result<RESPValue, RedisError>) -> Void
    ) {
        connection.submit(RESPEncoder.command(arguments), completion: completion)
    }

    /// Async convenience (tests, tools); the server paths use the callback form.
    package func send(_ arguments: [String]) async -> Result<RESPValue, RedisError> {
        await withCheckedContinuation { continuation in
            send(arguments) { continuation.resume(returning: $0) }
        }
    }

    /// Fails everything in flight with `.closed` and closes the connection (on its loop).
    package func close() { connection.stop() }
}
