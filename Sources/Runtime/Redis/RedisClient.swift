/// A Redis client for commands: one pipelined connection on its own I/O thread.
///
/// `send` never blocks: the command is handed to the client's thread, written at once when
/// connected (pipelined: replies are matched to callbacks in FIFO order, as Redis answers in
/// order), and its completion runs on the client's thread. See `RedisConnectionMachine` for timeouts,
/// reconnects and back-off. Dropping the last reference closes the connection.
package final class RedisClient: Sendable {
    private let connection: RedisConnection

    package init(url: RedisURL, options: RedisClientOptions = RedisClientOptions()) throws(RedisError) {
        connection = try RedisConnection(url: url, options: options, handler: nil, name: "piloto-redis")
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

    /// Fails everything in flight with `.closed` and stops the thread.
    package func close() { connection.stop() }
}
