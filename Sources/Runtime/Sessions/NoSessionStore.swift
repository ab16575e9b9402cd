/// A session store with no sessions: every lookup answers "unknown", so `auth: required` routes
/// answer 401. A stand-in for `piloto serve` until the memory store is wired; never for production.
package struct NoSessionStore: SessionStore {
    package init() {}

    package func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
        completion(.failure(.unavailable("no session store configured")))
    }

    package func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        completion(.success(nil))
    }

    package func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
        completion(.success(()))
    }

    package var degradedReason: String? { nil }
}
