/// Why a Redis command did not get a normal reply. Callers map every case to
/// `SessionStoreError.unavailable` (→ 503 + Retry-After); the text is for logs.
package enum RedisError: Error, Sendable, Equatable {
    /// No usable connection: connect refused or timed out, AUTH/SELECT rejected, connection lost,
    /// or the client is in back-off after such a failure (commands fail fast instead of queueing).
    case connectionFailed(String)
    /// No reply within the per-command timeout; the connection is recycled.
    case timeout
    /// The server answered with an error reply (`-ERR …`, `-WRONGTYPE …`, `-NOSCRIPT …`).
    case server(RedisServerError)
    /// The server sent bytes that are not valid RESP2; the connection is recycled.
    case `protocol`(RESPError)
    /// `close()` was called on the client.
    case closed

    package var message: String {
        switch self {
        case .connectionFailed(let reason): "redis connection failed: \(reason)"
        case .timeout: "redis command timed out"
        case .server(let error): "redis error: \(error.message)"
        case .protocol(let error): "redis protocol error: \(error)"
        case .closed: "redis client closed"
        }
    }
}
