import Testing
import PilotoTestKit
@testable import PilotoRuntime

/// Two store instances (two "instances" of the service) sharing one real Redis.
@Suite struct RedisSessionStoreTests {
    @Test func sessionsAreSharedBetweenInstances() async throws {
        let redis = try TestRedis()
        let clientA = RedisClient(url: redis.url, loop: ClientLoop.shared)
        let clientB = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer {
            clientA.close()
            clientB.close()
        }
        let a = RedisSessionStore(client: clientA, ttlMilliseconds: 60_000)
        let b = RedisSessionStore(client: clientB, ttlMilliseconds: 60_000)

        let created = try await a.create(login: "vendedor").get()
        #expect(RedisRandom.isSessionID(created.id))
        #expect(created.login == "vendedor")
        #expect(created.expiresAt - created.createdAt == 60_000)

        #expect(try await b.find(id: created.id).get() == created)
        let other = try await b.create(login: "vendedor").get()
        #expect(other.id != created.id)  // a new id on every login

        try await b.destroy(id: created.id).get()
        #expect(try await a.find(id: created.id).get() == nil)
        #expect(try await a.find(id: other.id).get() == other)
        try await a.destroy(id: other.id).get()
        try await a.destroy(id: other.id).get()  // unknown ids succeed
    }

    @Test func redisExpiresSessionsAfterTheTTL() async throws {
        let redis = try TestRedis()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        // PX is set on the key itself: Redis removes it (checked on a long TTL so a busy machine
        // cannot make the key vanish before PTTL runs).
        let long = RedisSessionStore(client: client, ttlMilliseconds: 60_000)
        let kept = try await long.create(login: "u").get()
        let ttl = await client.send(["PTTL", RedisSessionStore.keyPrefix + kept.id])
        guard case .success(.integer(let left)) = ttl else {
            Issue.record("PTTL: \(ttl)")
            return
        }
        #expect(left > 0 && left <= 60_000)
        try await long.destroy(id: kept.id).get()
        let store = RedisSessionStore(client: client, ttlMilliseconds: 150)
        let session = try await store.create(login: "u").get()
        #expect(await eventually { (try? await store.find(id: session.id).get()) == .some(nil) })
        // The store's own clock may say "expired" a few milliseconds before Redis does (PX counts
        // from when SET arrived), so the key's removal is awaited as well.
        #expect(await eventually { await client.send(["EXISTS", RedisSessionStore.keyPrefix + session.id]) == .success(.integer(0)) })
    }

    @Test func malformedIdsNeverReachRedis() async throws {
        let redis = try TestRedis()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        let store = RedisSessionStore(client: client, ttlMilliseconds: 60_000)
        for id in ["", "*", "../x", String(repeating: "A", count: 64), String(repeating: "a", count: 65)] {
            #expect(try await store.find(id: id).get() == nil)
            try await store.destroy(id: id).get()
        }
        // A value planted under our prefix that is not a session reads as no session.
        let id = RedisRandom.hex(byteCount: 32)
        _ = await client.send(["SET", RedisSessionStore.keyPrefix + id, "not json", "PX", "60000"])
        #expect(try await store.find(id: id).get() == nil)
        _ = await client.send(["DEL", RedisSessionStore.keyPrefix + id])
    }

    @Test func unreachableRedisIsUnavailableAndDegraded() async throws {
        let redis = try RedisServerProcess()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        let store = RedisSessionStore(client: client, ttlMilliseconds: 60_000)
        let session = try await store.create(login: "u").get()
        #expect(await eventually { store.degradedReason == nil })

        redis.kill()
        #expect(await eventually { store.degradedReason != nil })
        #expect(store.degradedReason?.hasPrefix("redis unavailable") == true)
        guard case .failure(.unavailable(let reason)) = await store.find(id: session.id) else {
            Issue.record("expected unavailable")
            return
        }
        #expect(!reason.isEmpty)
        guard case .failure(.unavailable) = await store.create(login: "u") else {
            Issue.record("expected unavailable")
            return
        }

        try redis.start()
        #expect(await eventually { store.degradedReason == nil })
        // The restarted Redis has no persistence: the old session is gone, new ones work.
        #expect(await eventually { (try? await store.find(id: session.id).get()) == .some(nil) })
        #expect((try? await store.create(login: "u").get()) != nil)
    }
}
