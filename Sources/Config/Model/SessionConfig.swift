/// `cookies:` — the cookies the server sets.
package struct CookiesConfig: Sendable, Equatable {
    package var session: SessionCookie
}

/// `cookies.session:` — the session cookie's attributes, exactly as sent in `Set-Cookie`.
package struct SessionCookie: Sendable, Equatable {
    package var name: String
    package var httpOnly: Bool
    package var secure: Bool
    package var sameSite: SameSite
    package var maxAge: TimeSpan
    package var path: String
    /// nil: a host-only cookie (the strict choice for one origin).
    package var domain: String?

    package enum SameSite: String, Sendable, Equatable, CaseIterable {
        case strict
        case lax
        case none

        /// The attribute value as browsers expect it in `Set-Cookie`.
        package var attributeValue: String {
            switch self {
            case .strict: "Strict"
            case .lax: "Lax"
            case .none: "None"
            }
        }
    }
}

/// `sessions:` — where server-side sessions live and who may log in.
package struct SessionsConfig: Sendable, Equatable {
    package var store: Store
    /// `redis://[user:pass@]host:port/db`; used when `store` is `redis`.
    package var redisURL: String
    package var ttl: TimeSpan
    /// One `login:crypt-hash` a line; nil when no users file is configured.
    package var usersFile: ConfigPath?
    /// Bound on live sessions per instance (memory store); the oldest are evicted beyond it.
    package var maxSessions: Int
    /// HS256 key (its UTF-8 bytes, at least 32) shared with backends for `identity: signed`; nil: none.
    package var identityKey: String?
    /// The environment variable `identity_key` was written as (`${NAME}` or `${NAME:-…}`), so the
    /// generator can hand the same Secret Manager secret to sidecars; nil when written literally.
    package var identityKeyVariable: String? = nil

    package enum Store: String, Sendable, Equatable, CaseIterable {
        case memory
        case redis
    }
}
