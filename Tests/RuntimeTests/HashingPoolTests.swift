import Dispatch
import Synchronization
import Testing
@testable import PilotoRuntime

struct HashingPoolTests {
    @Test func saturatedPool_refusesAtOnce_thenAcceptsAgain() {
        let pool = HashingPool(width: 1, maxQueued: 2)
        let gate = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let ran = Atomic<Int>(0)
        #expect(pool.submit { gate.wait(); ran.add(1, ordering: .relaxed); done.signal() })
        #expect(pool.submit { ran.add(1, ordering: .relaxed); done.signal() })
        #expect(!pool.submit { ran.add(100, ordering: .relaxed) })  // a third waiter is refused
        gate.signal()
        done.wait()
        done.wait()
        #expect(ran.load(ordering: .relaxed) == 2)
        #expect(pool.submit { done.signal() })
        done.wait()
    }

    @Test func decoySetting_isARealYescryptSetting() throws {
        // Unknown logins hash against it: it must cost a real hash, not fail fast.
        let responder = AuthResponder(
            prefix: "/api/auth", store: MemorySessionStore(ttlMilliseconds: 1000, maxSessions: 1),
            users: UserDirectory(users: [:]), cookie: .fixture(), logger: nil)
        #expect(responder.decoySetting.hasPrefix("$y$"))
        #expect(PasswordHasher.crypt("guess", setting: responder.decoySetting) != nil)
        #expect(!responder.checkPassword(LoginRequest(login: "nobody", password: "guess")))
    }
}
