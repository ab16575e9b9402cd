/// Whether a request carries a live session, asked of the configured `SessionStore`.
///
/// The dashboard route is `auth: required`, and the router leaves the check to the route's
/// responder (sessions live outside the router). This is that check, kept apart from the
/// dashboard's figures so it reads on its own: cookie → store lookup → verdict.
package struct DashboardSessionCheck: Sendable {
    package enum Verdict: Sendable, Equatable {
        case allowed(login: String)
        /// No cookie, an unknown or expired session.
        case denied
        /// The store could not answer (Redis down): the client should retry, not log in again.
        case unavailable
    }

    /// Session ids are 64 hex characters; anything much longer is not ours and is not worth a
    /// round trip to the store.
    static let maxIdLength = 256

    package let cookieName: String
    package let sessions: any SessionStore
    package let nowMilliseconds: @Sendable () -> Int64

    package init(cookieName: String, sessions: any SessionStore, nowMilliseconds: @escaping @Sendable () -> Int64) {
        self.cookieName = cookieName
        self.sessions = sessions
        self.nowMilliseconds = nowMilliseconds
    }

    /// Calls `completion` exactly once, possibly synchronously, possibly on another thread.
    package func check(_ headers: HTTPHeaders, completion: @escaping @Sendable (Verdict) -> Void) {
        guard let id = CookieHeader.value(named: cookieName, in: headers), !id.isEmpty,
              id.utf8.count <= Self.maxIdLength
        else {
            completion(.denied)
            return
        }
        let now = nowMilliseconds
        sessions.find(id: id) { result in
            switch result {
            case .success(let session?):
                // Stores drop expired sessions themselves; checking again costs nothing and keeps a
                // lagging store (clock skew between instances) from extending a session.
                completion(session.expiresAt > now() ? .allowed(login: session.login) : .denied)
            case .success(nil):
                completion(.denied)
            case .failure:
                completion(.unavailable)
            }
        }
    }
}
