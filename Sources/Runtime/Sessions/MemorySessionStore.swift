import Synchronization

/// Sessions in this process's memory: the default store for one instance (`sessions.store: memory`).
///
/// - TTL is **fixed, not sliding**: `expiresAt = createdAt + sessions.ttl`, set at login and never
///   extended by activity, matching the cookie's `Max-Age`. A stolen cookie stops working at a known
///   time, and `find` never has to write.
/// - At most `maxSessions` live sessions: when full, expired ones are swept first; if none expired
///   `create` fails with `.full` (→ 503) rather than evicting someone who is logged in.
/// - Every call completes synchronously, under one `Mutex`: the work is a dictionary lookup.
///
/// Sessions are lost on restart or scale-in; use the Redis store with more than one instance.
package final class MemorySessionStore: SessionStore {
    private let sessions = Mutex<[String: Session]>([:])
    private let ttlMilliseconds: Int64
    private let maxSessions: Int
    private let clock: any WallClock
    private let makeID: @Sendable () -> String?

    /// - Parameters:
    ///   - ttlMilliseconds: `sessions.ttl`.
    ///   - maxSessions: `sessions.max_sessions` (at least 1).
    ///   - makeID: the id source; the CSPRNG unless a test needs collisions.
    package init(
        ttlMilliseconds: Int64, maxSessions: Int, clock: any WallClock = SystemWallClock(),
        makeID: @escaping @Sendable () -> String? = SessionID.make
    ) {
        self.ttlMilliseconds = max(1, ttlMilliseconds)
        self.maxSessions = max(1, maxSessions)
        self.clock = clock
        self.makeID = makeID
    }

    package var degradedReason: String? { nil }

    /// Live sessions (expired ones not yet swept included); for metrics and tests.
    package var count: Int { sessions.withLock { $0.count } }

    package func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
        let now = clock.nowUnixMilliseconds()
        let result: Result<Session, SessionStoreError> = sessions.withLock { table in
            if table.count >= maxSessions {
                table = table.filter { $0.value.expiresAt > now }
                guard table.count < maxSessions else { return .failure(.full) }
            }
            // A collision among 2^256 ids is not going to happen; still, never overwrite a session.
            for _ in 0..<4 {
                guard let id = makeID() else { return .failure(.unavailable("no random source for session ids")) }
                guard table[id] == nil else { continue }
                let session = Session(id: id, login: login, createdAt: now, expiresAt: now + ttlMilliseconds)
                table[id] = session
                return .success(session)
            }
            return .failure(.unavailable("session id collision"))
        }
        completion(result)
    }

    package func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        guard SessionID.isWellFormed(id) else { return completion(.success(nil)) }
        let now = clock.nowUnixMilliseconds()
        let session: Session? = sessions.withLock { table in
            guard let session = table[id] else { return nil }
            guard session.expiresAt > now else {
                table[id] = nil
                return nil
            }
            return session
        }
        completion(.success(session))
    }

    package func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
        sessions.withLock { _ = $0.removeValue(forKey: id) }
        completion(.success(()))
    }
}
