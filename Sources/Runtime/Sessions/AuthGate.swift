/// Finds the session behind a request's cookie, for any handler that needs a logged-in user
/// (auth's `/me`, WebSocket channels with `auth: required`, the dashboard).
///
/// The answer comes through a callback because the store may be remote (Redis); with the memory
/// store it arrives before `check` returns. A denial is a ready `RouteResponse`:
/// - no cookie, a malformed id, unknown or expired → 401;
/// - store unreachable → 503 with `Retry-After` (RFC 9110 §10.2.3), never a false 401 that would
///   make a client drop a perfectly good session.
package struct AuthGate: Sendable {
    package enum Outcome: Sendable {
        case session(Session)
        case denied(RouteResponse)
    }

    package let store: any SessionStore
    package let cookieName: String
    /// Seconds a client should wait before retrying when the store is down.
    package let retryAfterSeconds: Int

    package init(store: any SessionStore, cookieName: String, retryAfterSeconds: Int = 5) {
        self.store = store
        self.cookieName = cookieName
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The session id the request carries, if it is well formed.
    package func sessionID(in request: HTTPRequest) -> String? {
        guard let value = CookieHeader.value(named: cookieName, in: request.headers), SessionID.isWellFormed(value) else {
            return nil
        }
        return value
    }

    /// Looks the request's session up; `completion` may run on another thread.
    package func check(_ request: HTTPRequest, completion: @escaping @Sendable (Outcome) -> Void) {
        let retry = retryAfterSeconds
        lookup(request) { found in
            switch found {
            case .session(let session): completion(.session(session))
            case .noSession: completion(.denied(AuthGateError.notLoggedIn("not logged in").response))
            case .storeFailed(let error): completion(.denied(AuthGateError.storeFailed(error, retryAfterSeconds: retry).response))
            }
        }
    }

    /// What the store said, before it becomes a response: for a handler that words its own 401
    /// (the dashboard shows a person an HTML page) but shares the cookie rules and the 503.
    package enum Lookup: Sendable {
        case session(Session)
        /// No cookie, a malformed id, unknown or expired.
        case noSession
        /// The store could not answer: the client should retry, not log in again.
        case storeFailed(SessionStoreError)
    }

    /// The lookup behind `check`; `completion` may run on another thread.
    package func lookup(_ request: HTTPRequest, completion: @escaping @Sendable (Lookup) -> Void) {
        guard let id = sessionID(in: request) else { return completion(.noSession) }
        store.find(id: id) { result in
            switch result {
            case .success(let session?): completion(.session(session))
            case .success(nil): completion(.noSession)
            case .failure(let error): completion(.storeFailed(error))
            }
        }
    }
}
