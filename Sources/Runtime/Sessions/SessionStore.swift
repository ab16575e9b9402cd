/// Where sessions live: `MemorySessionStore` (one instance) or the Redis store (any number).
///
/// Every call completes through a callback, possibly on another thread and possibly before it
/// returns (the memory store answers at once), so a store that talks to the network never blocks an
/// event loop. Callers that answer HTTP requests wrap this in a `ResponsePromise`.
package protocol SessionStore: Sendable {
    /// Creates a new session with a fresh random id (never reuses the caller's: no fixation).
    func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void)
    /// The live session with this id, or nil when unknown or expired.
    func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void)
    /// Ends the session on the server; unknown ids succeed.
    func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void)
    /// Nil while healthy; otherwise why auth-dependent routes are degraded (readiness reports it).
    var degradedReason: String? { get }
}
