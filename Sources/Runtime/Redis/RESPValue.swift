/// One RESP2 value (https://redis.io/docs/latest/develop/reference/protocol-spec/, "RESP2").
///
/// Bulk strings stay bytes: Redis values are binary-safe, and only the caller knows whether a
/// payload is text. Nil bulk (`$-1`) and nil array (`*-1`) are distinct cases because Redis gives
/// them different meanings (a missing key vs. a timed-out blocking pop).
package enum RESPValue: Sendable, Equatable {
    /// `+OK\r\n`
    case simpleString(String)
    /// `-ERR message\r\n`: a server-side error reply, not a protocol failure.
    case error(String)
    /// `:42\r\n`
    case integer(Int64)
    /// `$3\r\nfoo\r\n`, or nil for `$-1\r\n`.
    case bulkString([UInt8]?)
    /// `*2\r\n…`, or nil for `*-1\r\n`.
    case array([RESPValue]?)

    /// The value as text when it is a simple or non-nil bulk string (UTF-8, lossy).
    package var text: String? {
        switch self {
        case .simpleString(let s): s
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }
}
