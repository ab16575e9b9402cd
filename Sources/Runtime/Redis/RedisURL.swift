/// Where Redis is: `redis://[user:pass@]host[:port][/db]`
/// (IANA `redis` scheme, https://www.iana.org/assignments/uri-schemes/prov/redis).
///
/// Defaults: host 127.0.0.1, port 6379, db 0. User and password are percent-decoded
/// (RFC 3986 §2.1) so passwords with `@`, `:` or `/` can be written. `rediss://` (TLS) is refused
/// with a clear message rather than silently connecting in clear text.
package struct RedisURL: Sendable, Equatable {
    package var host: String
    package var port: Int
    /// ACL user (Redis 6+); nil means the `default` user.
    package var user: String?
    package var password: String?
    package var database: Int

    package init(host: String = "127.0.0.1", port: Int = 6379, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// For logs: never includes the password.
    package var redacted: String {
        let auth = password == nil ? (user.map { "\($0)@" } ?? "") : "\(user ?? ""):***@"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(auth)\(shownHost):\(port)/\(database)"
    }

    package init(parsing text: String) throws(RedisURLError) {
        self.init()
        var rest = Substring(text)
        if rest.lowercased().hasPrefix("rediss://") { throw .tlsNotSupported }
        guard rest.lowercased().hasPrefix("redis://") else { throw .unsupportedScheme }
        rest = rest.dropFirst("redis://".count)
        // Query strings and fragments carry nothing we support; refuse rather than ignore.
        if rest.contains("?") || rest.contains("#") { throw .unsupportedOption }
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let name = try Self.percentDecode(userInfo[..<colon])
                user = name.isEmpty ? nil : name
                password = try Self.percentDecode(userInfo[userInfo.index(after: colon)...])
            } else {
                // `redis://secret@host`: a lone userinfo is the password (what redis-cli -u does).
                password = try Self.percentDecode(userInfo)
            }
        }
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidHost(String(authority)) }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidHost(String(authority)) }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        if !hostPart.isEmpty {
            guard hostPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
                throw .invalidHost(String(hostPart))
            }
            host = String(hostPart)
        }
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else { throw .invalidPort(String(portPart)) }
            port = value
        }
        if !path.isEmpty {
            guard let db = Int(path), db >= 0, db < 1 << 16 else { throw .invalidDatabase(String(path)) }
            database = db
        }
    }

    /// RFC 3986 §2.1: `%XX` → byte; the result must be UTF-8.
    private static func percentDecode(_ text: Substring) throws(RedisURLError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidPercentEncoding
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw .invalidPercentEncoding }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}

/// Why `sessions.redis_url` cannot be used; `message` is one line for the boot log.
package enum RedisURLError: Error, Sendable, Equatable {
    case tlsNotSupported
    /// No associated text: the URL may hold a password, and errors end up in logs.
    case unsupportedScheme
    case unsupportedOption
    case invalidHost(String)
    case invalidPort(String)
    case invalidDatabase(String)
    case invalidPercentEncoding

    package var message: String {
        switch self {
        case .tlsNotSupported:
            "rediss://: TLS is not supported; use a VPC connector or Direct VPC egress to Memorystore without "
                + "in-transit encryption (redis://), or a TLS-terminating proxy beside the service"
        case .unsupportedScheme:
            "redis URL must start with redis:// (redis://[user:pass@]host:port/db)"
        case .unsupportedOption:
            "redis URL must not carry a query string or fragment (redis://[user:pass@]host:port/db)"
        case .invalidHost(let host): "redis URL has an invalid host '\(host)'"
        case .invalidPort(let port): "redis URL has an invalid port '\(port)' (1...65535)"
        case .invalidDatabase(let db): "redis URL has an invalid database '\(db)' (a number, e.g. /0)"
        case .invalidPercentEncoding: "redis URL has an invalid percent-encoding in user or password"
        }
    }
}
