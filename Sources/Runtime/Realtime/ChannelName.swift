/// Which channel a `mode: channels` request joins: `<route>/<channel>`, checked before the upgrade so
/// a bad name is an HTTP error the client can see, not a WebSocket that closes at once.
package enum ChannelName {
    /// 1–64 characters of `[A-Za-z0-9_.-]`. The alphabet keeps names safe in a URL path segment, in
    /// log lines, in JSON and in Redis channel names without any escaping; the frontend's
    /// `cleanChannel` produces a subset of it.
    package static func isValid(_ name: some StringProtocol) -> Bool {
        let bytes = name.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                true
            default: false
            }
        }
    }

    /// What a request path under `routePath` asks for.
    package enum Parsed: Equatable, Sendable {
        /// `<route>/<valid name>`.
        case channel(String)
        /// The route itself, or a deeper path (`<route>/a/b`): there is no channel here → 404.
        case notAChannel
        /// `<route>/<name>` with a name outside the alphabet or too long → 400.
        case invalidName
    }

    /// Splits `<route>/<channel>`. The path is already percent-decoded and normalized by the HTTP layer.
    package static func parse(path: String, routePath: String) -> Parsed {
        let prefix = routePath == "/" ? "/" : routePath + "/"
        guard path.hasPrefix(prefix) else { return .notAChannel }
        let rest = path.dropFirst(prefix.count)
        if rest.isEmpty || rest.contains("/") { return .notAChannel }
        return isValid(rest) ? .channel(String(rest)) : .invalidName
    }
}
