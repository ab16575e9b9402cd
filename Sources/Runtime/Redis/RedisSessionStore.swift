import Glibc

/// Sessions in Redis, shared by every instance (`sessions.store: redis`).
///
/// - create: `SET piloto:session:<id> <json> PX <ttl_ms> NX` — a fresh 256-bit id from the kernel
///   CSPRNG; NX makes a (never expected) collision fail instead of overwriting someone's session.
/// - find: `GET`; an id that is not 64 lowercase hex never reaches Redis.
/// - destroy: `DEL` (unknown ids succeed).
///
/// The TTL is fixed at login (`sessions.ttl`, the same as the cookie's Max-Age) and not extended on
/// use: a stolen cookie stops working at a known time, and `find` costs one GET, no write. Redis
/// expires the key itself (PX), so no sweeper is needed; `find` also checks `expires_at` in case
/// clocks differ.
///
/// Every Redis failure becomes `.unavailable(reason)` (→ 503 + Retry-After at the HTTP boundary),
/// and `degradedReason` is non-nil while the connection is not up, for readiness.
package final class RedisSessionStore: SessionStore {
    package static let keyPrefix = "piloto:session:"
    private let client: RedisClient
    private let ttlMilliseconds: Int64
    private let wallClock: @Sendable () -> Int64

    package init(
        client: RedisClient, ttlMilliseconds: Int64,
        wallClock: @escaping @Sendable () -> Int64 = RedisSessionStore.unixMilliseconds
    ) {
        self.client = client
        self.ttlMilliseconds = max(1, ttlMilliseconds)
        self.wallClock = wallClock
    }

    package static func unixMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    package var degradedReason: String? {
        switch client.state {
        case .connected: nil
        case .connecting: "redis: connecting to \(client.url.redacted)"
        case .disconnected(let reason): "redis unavailable: \(reason)"
        case .closed: "redis client closed"
        }
    }

    package func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
        create(login: login, attemptsLeft: 2, completion: completion)
    }

    private func create(
        login: String, attemptsLeft: Int, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void
    ) {
        let now = wallClock()
        let session = Session(id: RedisRandom.hex(byteCount: 32), login: login, createdAt: now, expiresAt: now + ttlMilliseconds)
        let arguments: [[UInt8]] = [
            Array("SET".utf8), Array((Self.keyPrefix + session.id).utf8), RedisSessionRecord.encode(session),
            Array("PX".utf8), Array(String(ttlMilliseconds).utf8), Array("NX".utf8),
        ]
        client.send(arguments) { [self] result in
            switch result {
            case .success(.simpleString("OK")):
                completion(.success(session))
            case .success(.bulkString(nil)) where attemptsLeft > 1:
                // NX refused: the id exists already (2^-256 odds); draw another.
                create(login: login, attemptsLeft: attemptsLeft - 1, completion: completion)
            case .success(let other):
                completion(.failure(.unavailable("redis: unexpected reply to SET: \(other)")))
            case .failure(let error):
                completion(.failure(.unavailable(error.message)))
            }
        }
    }

    package func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        guard RedisRandom.isSessionID(id) else {
            completion(.success(nil))
            return
        }
        let wallClock = self.wallClock
        client.send(["GET", Self.keyPrefix + id]) { result in
            switch result {
            case .success(.bulkString(nil)):
                completion(.success(nil))
            case .success(.bulkString(let bytes?)):
                // Unreadable or expired records are "no session", never an error for the user.
                guard let session = RedisSessionRecord.decode(bytes, id: id), session.expiresAt > wallClock() else {
                    completion(.success(nil))
                    return
                }
                completion(.success(session))
            case .success(let other):
                completion(.failure(.unavailable("redis: unexpected reply to GET: \(other)")))
            case .failure(let error):
                completion(.failure(.unavailable(error.message)))
            }
        }
    }

    package func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
        guard RedisRandom.isSessionID(id) else {
            completion(.success(()))
            return
        }
        client.send(["DEL", Self.keyPrefix + id]) { result in
            switch result {
            case .success(.integer): completion(.success(()))
            case .success(let other): completion(.failure(.unavailable("redis: unexpected reply to DEL: \(other)")))
            case .failure(let error): completion(.failure(.unavailable(error.message)))
            }
        }
    }
}
