/// A Lua script run with `EVALSHA`, falling back to `EVAL` when the server answers `NOSCRIPT`.
///
/// Why: `EVALSHA` sends 40 bytes instead of the script on every call, but the script cache is
/// empty after a Redis restart, a failover or `SCRIPT FLUSH`; the first call after that gets
/// `-NOSCRIPT` and is sent again with `EVAL`, which also caches the script for the next calls.
/// A script is atomic in Redis: nothing else runs between its commands, which is what makes the
/// presence sweep safe on any number of instances at once.
///
/// The fallback can reorder: calls pipelined behind one that got `NOSCRIPT` may find the script
/// cached by then (another instance's `EVAL`) and run before its resend. Where calls on one
/// connection must run in the order they were sent, use `evaluate` (always `EVAL`: Redis still
/// caches the compiled script by its SHA-1, so only the bytes on the wire cost more).
package struct RedisScript: Sendable {
    package let source: String
    /// Lowercase hex SHA-1 of `source`, as `SCRIPT LOAD` would return it.
    package let sha1: String

    package init(_ source: String) {
        self.source = source
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in SHA1.hash(Array(source.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        sha1 = String(decoding: hex, as: UTF8.self)
    }

    /// Runs the script with `EVAL`, in the order of the calls on `client` (see the type's doc).
    package func evaluate(
        on client: RedisClient, keys: [String], arguments: [String],
        completion: @escaping @Sendable (Result<RESPValue, RedisError>) -> Void
    ) {
        client.send(["EVAL", source, String(keys.count)] + keys + arguments, completion: completion)
    }

    /// Runs the script with `keys` and `arguments`; `completion` runs on the client's loop.
    /// A script error (`-ERR … script: …`) is passed on as `.server`.
    package func run(
        on client: RedisClient, keys: [String], arguments: [String],
        completion: @escaping @Sendable (Result<RESPValue, RedisError>) -> Void
    ) {
        let tail = [String(keys.count)] + keys + arguments
        let source = self.source
        client.send(["EVALSHA", sha1] + tail) { result in
            if case .failure(.server(let error)) = result, error.code == .noScript {
                client.send(["EVAL", source] + tail, completion: completion)
                return
            }
            completion(result)
        }
    }
}
