/// A logged-in user's server-side session. The cookie carries only `id`; everything else stays on
/// the server (memory or Redis), so logout and expiry take effect at once.
package struct Session: Sendable, Equatable {
    /// 256 random bits from the system CSPRNG, as 64 lowercase hex characters.
    package var id: String
    package var login: String
    /// Unix milliseconds.
    package var createdAt: Int64
    /// Unix milliseconds. The TTL is fixed at login (`sessions.ttl`, like the cookie's Max-Age): a
    /// stolen cookie stops working at a known time, whatever the activity.
    package var expiresAt: Int64
}

/// Why a session store could not answer. Turned into an HTTP status only at the boundary:
/// `unavailable` → 503 with `Retry-After`, `full` → 503.
package enum SessionStoreError: Error, Sendable, Equatable {
    /// The backing store cannot be reached (Redis down, timed out); the reason is for logs.
    case unavailable(String)
    /// `sessions.max_sessions` live sessions already exist.
    case full
}
