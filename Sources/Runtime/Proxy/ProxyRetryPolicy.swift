import PilotoConfig

/// Whether a proxied request that failed before any response byte may be sent again (`retry:` on
/// the route). The rule that matters: a POST is never executed twice.
///
/// - Nothing reached the upstream (connect refused, timed out, unreachable: not one byte of the
///   request was written to any socket): always allowed, in both modes. That is a first attempt,
///   not a replay; how long it goes on is `hold`'s business.
/// - `retry: off`: once a byte was written, never.
/// - `retry: safe` (default): once a byte was written — including the keep-alive race, where a
///   pooled connection the backend had already closed took the write — only when replaying cannot
///   change anything: GET, HEAD or OPTIONS without a body (RFC 9110 §9.2.1 safe methods; TRACE is
///   never forwarded), or any request carrying `Idempotency-Key` (or Go's `X-Idempotency-Key`),
///   by which the client says the server deduplicates. This is Go's `isReplayable` rule and nginx's
///   "non-idempotent requests are not passed on once sent". The caller must still hold the
///   whole body to resend it; a body already streamed and dropped cannot be replayed.
package enum ProxyRetryPolicy {
    package static func mayReplay(
        method: String, hasBody: Bool, hasIdempotencyKey: Bool, reachedUpstream: Bool, retry: ProxyRetry = .safe
    ) -> Bool {
        guard reachedUpstream else { return true }
        switch retry {
        case .off: return false
        case .safe:
            if hasIdempotencyKey { return true }
            guard !hasBody else { return false }
            return method == "GET" || method == "HEAD" || method == "OPTIONS"
        }
    }

    /// The same from a parsed request head (a body is any framing but none/`Content-Length: 0`).
    package static func mayReplay(_ head: HTTPRequestHead, reachedUpstream: Bool, retry: ProxyRetry = .safe) -> Bool {
        let hasBody: Bool
        switch head.framing {
        case .none, .length(0): hasBody = false
        case .length, .chunked: hasBody = true
        }
        let hasKey = head.headers.contains("Idempotency-Key") || head.headers.contains("X-Idempotency-Key")
        return mayReplay(
            method: head.method, hasBody: hasBody, hasIdempotencyKey: hasKey, reachedUpstream: reachedUpstream, retry: retry)
    }
}
