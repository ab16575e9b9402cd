import Testing
@testable import PilotoRuntime

/// Two bus instances (two service instances) on one real Redis.
@Suite struct RedisChannelBusTests {
    struct Delivery: Equatable, Sendable {
        var channel: String
        var payload: String
    }

    final class Instance: Sendable {
        let client: RedisClient
        let bus: RedisChannelBus
        let received = Collected<Delivery>()

        init(_ url: RedisURL) throws {
            client = try RedisClient(url: url, options: .fast)
            bus = try RedisChannelBus(client: client, url: url, options: .fast)
            bus.setReceiver { [received] channel, payload in
                received.append(Delivery(channel: channel, payload: String(decoding: payload, as: UTF8.self)))
            }
        }

        func close() { client.close() }
    }

    /// Subscribers to `channel` as Redis counts them (connections, not references).
    static func subscribers(_ client: RedisClient, _ channel: String) async -> Int64 {
        let full = RedisChannelBus.channelPrefix + channel
        guard case .success(.array(let items?)) = await client.send(["PUBSUB", "NUMSUB", full]), items.count == 2,
            case .integer(let n) = items[1]
        else { return -1 }
        return n
    }

    @Test func eachInstanceGetsTheOthersMessagesExactlyOnceAndNeverItsOwn() async throws {
        let redis = try TestRedis()
        let a = try Instance(redis.url)
        let b = try Instance(redis.url)
        defer {
            a.close()
            b.close()
        }
        let room = uniqueName("room")
        a.bus.subscribe(room)
        b.bus.subscribe(room)
        #expect(await eventually { await Self.subscribers(a.client, room) == 2 })
        #expect(await eventually { a.client.isConnected && b.client.isConnected })

        for i in 0..<3 { a.bus.publish(room, payload: Array("a\(i)".utf8)) }
        for i in 0..<3 { b.bus.publish(room, payload: Array("b\(i)".utf8)) }
        // Own messages come back from Redis and are dropped: wait for all of them, so any wrong
        // delivery would have happened by then.
        #expect(await eventually { a.bus.stats.ownEchoesDropped == 3 && b.bus.stats.ownEchoesDropped == 3 })
        #expect(await eventually { a.received.count >= 3 && b.received.count >= 3 })
        #expect(a.received.all == (0..<3).map { Delivery(channel: room, payload: "b\($0)") })
        #expect(b.received.all == (0..<3).map { Delivery(channel: room, payload: "a\($0)") })
        #expect(a.bus.stats.published == 3 && a.bus.stats.received == 3 && a.bus.stats.dropped == 0)
    }

    @Test func unsubscribedChannelsAreNotDelivered() async throws {
        let redis = try TestRedis()
        let a = try Instance(redis.url)
        let b = try Instance(redis.url)
        defer {
            a.close()
            b.close()
        }
        let quiet = uniqueName("quiet")
        let loud = uniqueName("loud")
        b.bus.subscribe(loud)
        #expect(await eventually { await Self.subscribers(a.client, loud) == 1 })
        #expect(await eventually { a.client.isConnected })
        a.bus.publish(quiet, payload: Array("nobody".utf8))
        a.bus.publish(loud, payload: Array("hello".utf8))
        #expect(await eventually { b.received.count == 1 })
        #expect(b.received.all == [Delivery(channel: loud, payload: "hello")])
    }

    @Test func subscriptionsAreReferenceCounted() async throws {
        let redis = try TestRedis()
        let a = try Instance(redis.url)
        defer { a.close() }
        let room = uniqueName("rc")
        a.bus.subscribe(room)
        a.bus.subscribe(room)
        #expect(await eventually { await Self.subscribers(a.client, room) == 1 })
        a.bus.unsubscribe(room)
        a.bus.unsubscribe(uniqueName("never-subscribed"))  // ignored
        // Still subscribed after one of two unsubscribes: prove it with a round trip through Redis.
        a.bus.publish(room, payload: Array("x".utf8))
        #expect(await eventually { a.bus.stats.ownEchoesDropped == 1 })
        #expect(await Self.subscribers(a.client, room) == 1)
        a.bus.unsubscribe(room)
        #expect(await eventually { await Self.subscribers(a.client, room) == 0 })
    }

    @Test func resubscribesAfterRedisRestartsAndDropsWhileDown() async throws {
        let redis = try RedisServerProcess()
        let a = try Instance(redis.url)
        let b = try Instance(redis.url)
        defer {
            a.close()
            b.close()
        }
        let room = uniqueName("restart")
        a.bus.subscribe(room)
        b.bus.subscribe(room)
        #expect(await eventually { await Self.subscribers(a.client, room) == 2 })

        redis.kill()
        #expect(await eventually { !a.client.isConnected })
        a.bus.publish(room, payload: Array("lost".utf8))
        #expect(a.bus.stats.dropped == 1)

        try redis.start()
        #expect(await eventually { await Self.subscribers(a.client, room) == 2 })
        #expect(await eventually { a.client.isConnected && b.bus.isSubscriberConnected })
        a.bus.publish(room, payload: Array("after".utf8))
        #expect(await eventually { b.received.count == 1 })
        #expect(b.received.all == [Delivery(channel: room, payload: "after")])
        #expect(await eventually { a.bus.stats.ownEchoesDropped == 1 })
        #expect(a.received.count == 0)
    }
}

@Suite struct ReadinessDegradedTests {
    @Test func readinessReportsTheFirstDegradedReasonWithStatus200() {
        let state = ServerState()
        #expect(state.degradedReason == nil)
        state.addDegradedSource { nil }
        state.addDegradedSource { "redis unavailable: connection refused \"x\"" }
        #expect(state.degradedReason == "redis unavailable: connection refused \"x\"")
        let health = HealthResponder(extraHeaders: [("X-Test", "1")])
        guard case .prebuilt(let response, let includeBody) = health.readiness(
            draining: false, degradedReason: state.degradedReason, includeBody: true)
        else {
            Issue.record("expected a prebuilt response")
            return
        }
        #expect(includeBody)
        #expect(response.status == .ok)
        let body = response.body.map { $0[response.bodyRange] } ?? []
        #expect(String(decoding: body, as: UTF8.self) == #"{"status":"degraded","reason":"redis unavailable: connection refused \"x\""}"#)
        #expect(String(decoding: response.fieldLines, as: UTF8.self).contains("X-Test: 1"))
        // Draining wins: the instance is going away whatever its backing services do.
        guard case .prebuilt(let draining, _) = health.readiness(draining: true, degradedReason: "x", includeBody: true) else {
            Issue.record("expected a prebuilt response")
            return
        }
        #expect(draining.status == .serviceUnavailable)
    }
}
