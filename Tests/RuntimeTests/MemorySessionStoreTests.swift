import Dispatch
import Synchronization
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// The in-memory store: ids, fixed TTL, the max_sessions bound, thread safety.
struct MemorySessionStoreTests {
    private func create(_ store: MemorySessionStore, _ login: String) -> Result<Session, SessionStoreError> {
        let box = Mutex<Result<Session, SessionStoreError>?>(nil)
        store.create(login: login) { result in box.withLock { $0 = result } }
        return box.withLock { $0 } ?? .failure(.unavailable("no synchronous answer"))
    }

    private func find(_ store: MemorySessionStore, _ id: String) -> Session? {
        let box = Mutex<Session?>(nil)
        store.find(id: id) { result in box.withLock { $0 = try? result.get() } }
        return box.withLock { $0 }
    }

    @Test func create_gives64HexIds_thatAreUniqueAndFindable() throws {
        let clock = ManualWallClock()
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 1000, clock: clock)
        var ids: Set<String> = []
        for index in 0..<200 {
            let session = try create(store, "user\(index)").get()
            #expect(SessionID.isWellFormed(session.id))
            #expect(session.createdAt == clock.nowUnixMilliseconds())
            #expect(session.expiresAt == session.createdAt + 60_000)
            ids.insert(session.id)
            #expect(find(store, session.id)?.login == "user\(index)")
        }
        #expect(ids.count == 200)
    }

    @Test func ttl_isFixed_notSliding() throws {
        let clock = ManualWallClock()
        let store = MemorySessionStore(ttlMilliseconds: 10_000, maxSessions: 10, clock: clock)
        let session = try create(store, "ana").get()
        clock.advance(milliseconds: 9_000)
        #expect(find(store, session.id) != nil)  // a find does not extend the session
        clock.advance(milliseconds: 999)
        #expect(find(store, session.id)?.expiresAt == session.expiresAt)
        clock.advance(milliseconds: 1)
        #expect(find(store, session.id) == nil)
        #expect(store.count == 0)  // the expired session was removed when found
    }

    @Test func maxSessions_sweepsExpiredFirst_thenRefusesWithFull() throws {
        let clock = ManualWallClock()
        let store = MemorySessionStore(ttlMilliseconds: 1_000, maxSessions: 3, clock: clock)
        let first = try create(store, "a").get()
        clock.advance(milliseconds: 600)
        _ = try create(store, "b").get()
        _ = try create(store, "c").get()
        #expect(create(store, "d") == .failure(.full))  // nobody logged in is evicted
        clock.advance(milliseconds: 400)  // only "a" expired
        let d = try create(store, "d").get()
        #expect(find(store, first.id) == nil)
        #expect(find(store, d.id)?.login == "d")
        #expect(create(store, "e") == .failure(.full))
    }

    @Test func destroy_endsSession_andUnknownIdsSucceed() throws {
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 10)
        let session = try create(store, "ana").get()
        let outcomes = Mutex<[Bool]>([])
        store.destroy(id: session.id) { r in outcomes.withLock { $0.append((try? r.get()) != nil) } }
        store.destroy(id: String(repeating: "0", count: 64)) { r in outcomes.withLock { $0.append((try? r.get()) != nil) } }
        #expect(outcomes.withLock { $0 } == [true, true])
        #expect(find(store, session.id) == nil)
    }

    @Test func malformedIds_areNeverLookedUp() {
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 10)
        for id in ["", "abc", String(repeating: "G", count: 64), String(repeating: "A", count: 64), "../../etc/passwd"] {
            #expect(find(store, id) == nil)
        }
    }

    @Test func idSourceFailure_isUnavailable_notACrash() {
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 10, makeID: { nil })
        guard case .failure(.unavailable) = create(store, "ana") else {
            Issue.record("expected .unavailable")
            return
        }
    }

    @Test func concurrentCreates_respectTheBound() {
        let store = MemorySessionStore(ttlMilliseconds: 60_000, maxSessions: 500)
        let created = Atomic<Int>(0)
        let full = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 800) { index in
            store.create(login: "u\(index)") { result in
                switch result {
                case .success: created.add(1, ordering: .relaxed)
                case .failure(.full): full.add(1, ordering: .relaxed)
                case .failure: break
                }
            }
        }
        #expect(created.load(ordering: .relaxed) == 500)
        #expect(full.load(ordering: .relaxed) == 300)
        #expect(store.count == 500)
    }

    @Test func secureRandom_bytesDiffer_andHexIsLowercase() throws {
        let a = try #require(SecureRandom.bytes(32))
        let b = try #require(SecureRandom.bytes(32))
        #expect(a != b)
        #expect(SecureRandom.hex([0x00, 0xAB, 0xFF]) == "00abff")
    }
}
