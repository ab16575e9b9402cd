import Foundation
import Testing
import PilotoTestKit
@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// Two hubs (two service instances) on `RedisChannelStore`s sharing one real redis-server.
/// Timers are manual: the periodic resync never fires by itself, the tests drive it.
@Suite struct RedisChannelStoreTests {
    final class Cluster: Sendable {
        let channel = uniqueName("room")
        let timers = ManualPresenceTimers()
        let clients: [RedisClient]
        let stores: [RedisChannelStore]
        let hubs: [ChannelHub]
        let deliveries: [HubDeliveries]

        init(_ url: RedisURL, instances: Int = 2) throws {
            var clients: [RedisClient] = []
            var stores: [RedisChannelStore] = []
            var hubs: [ChannelHub] = []
            var deliveries: [HubDeliveries] = []
            let settings = RedisChannelStore.Settings(limits: .init(size: 100, maxBytes: 1 << 20, ttlMilliseconds: 3_600_000))
            for _ in 0..<instances {
                let client = RedisClient(url: url, loop: ClientLoop.shared, options: .fast)
                let store = RedisChannelStore(client: client, url: url, options: .fast, settings: settings, timers: timers)
                let recorded = HubDeliveries()
                let presence = MemoryPresenceDirectory(debounceMilliseconds: 0, timers: timers)
                let hub = ChannelHub(store: store, presence: presence, clock: { 1_764_408_600_123 }) { frame, handles in
                    recorded.record(frame, handles)
                }
                clients.append(client)
                stores.append(store)
                hubs.append(hub)
                deliveries.append(recorded)
            }
            self.clients = clients
            self.stores = stores
            self.hubs = hubs
            self.deliveries = deliveries
        }

        func close() {
            for s in stores { s.close() }
            for c in clients { c.close() }
        }

        static func handle(_ fd: Int32) -> ConnectionHandle { ConnectionHandle(loop: 0, fd: fd, generation: 1) }

        /// Joins `handle` on instance `index` and waits for its `hello`.
        func join(_ index: Int, _ handle: ConnectionHandle, login: String, request: RecoveryRequest = RecoveryRequest()) async -> Bool {
            _ = await eventually(seconds: 10) { clients.allSatisfy(\.isConnected) }
            hubs[index].join(channel, handle: handle, login: login, request: request)
            return await eventually(seconds: 10) { deliveries[index].texts(to: handle).first?.hasPrefix(#"{"type":"hello""#) == true }
        }

        /// The usual start: "ana" on instance 0 and "bia" on instance 1 joined, both subscribed.
        func anaAndBiaJoined() async -> (ConnectionHandle, ConnectionHandle)? {
            let a = Cluster.handle(1), b = Cluster.handle(2)
            guard await join(0, a, login: "ana"), await join(1, b, login: "bia"), await subscribed() else { return nil }
            return (a, b)
        }

        /// Every store's live subscription on the channel is active (counted by Redis).
        func subscribed() async -> Bool {
            await eventually(seconds: 10) {
                guard case .success(.array(let items?)) = await clients[0].send(
                    ["PUBSUB", "NUMSUB", HistoryPublishScript.pubsubChannel(channel)]),
                      items.count == 2, case .integer(let n) = items[1]
                else { return false }
                return n == stores.count
            }
        }

        func offsets(_ index: Int, _ handle: ConnectionHandle) -> [Int64] { deliveries[index].offsets(to: handle) }

        func texts(_ index: Int, _ handle: ConnectionHandle, type: String) -> [String] {
            deliveries[index].texts(to: handle).filter { $0.hasPrefix(#"{"type":"\#(type)""#) }
        }
    }

    static func read(_ store: RedisChannelStore, _ channel: String, _ request: RecoveryRequest) async -> ChannelRead? {
        await withCheckedContinuation { c in store.read(channel: channel, request: request) { c.resume(returning: $0) } }
    }

    static func publish(_ store: RedisChannelStore, _ channel: String, _ text: String) async -> PublishOutcome {
        await withCheckedContinuation { c in
            store.publish(channel: channel, request: PublishRequest.parse(text), from: "ana", atMilliseconds: 0) {
                c.resume(returning: $0)
            }
        }
    }

    @Test func twoInstances_seeEachOthersMessages_inOffsetOrder_ownEchoOnce() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        let (a, b) = try #require(await c.anaAndBiaJoined())
        for n in 0..<20 {
            if n % 2 == 0 {
                c.hubs[0].publish(c.channel, handle: a, from: "ana", text: "a\(n)")
            } else {
                c.hubs[1].publish(c.channel, handle: b, from: "bia", text: "b\(n)")
            }
        }
        let all = Array(Int64(1)...20)
        #expect(await eventually(seconds: 10) { c.offsets(0, a) == all && c.offsets(1, b) == all })
        // One more as a barrier: had any echo or repeat been delivered, it would show before it.
        c.hubs[0].publish(c.channel, handle: a, from: "ana", text: "last")
        #expect(await eventually(seconds: 10) { c.offsets(0, a).last == 21 && c.offsets(1, b).last == 21 })
        #expect(c.offsets(0, a) == all + [21])
        #expect(c.offsets(1, b) == all + [21])
        // The same bytes reach both instances: one epoch for the channel cluster-wide.
        let epochs = [c.texts(0, a, type: "message").last, c.texts(1, b, type: "message").last].map { text in
            text.flatMap { t in t.range(of: #""epoch":""#).map { String(t[$0.upperBound...].prefix(16)) } }
        }
        #expect(epochs[0] != nil && epochs[0] == epochs[1])
        #expect(c.texts(0, a, type: "reset").isEmpty && c.texts(1, b, type: "reset").isEmpty)
    }

    @Test func samePublishIDTwice_isStoredOnce_withTheSameAck() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        let (a, b) = try #require(await c.anaAndBiaJoined())
        let envelope = #"{"type":"publish","id":"m1","data":{"t":1}}"#
        c.hubs[0].publish(c.channel, handle: a, from: "ana", text: envelope)
        #expect(await eventually(seconds: 10) { c.texts(0, a, type: "ack").count == 1 })
        // The resend arrives on the other instance (the client reconnected there).
        c.hubs[1].publish(c.channel, handle: b, from: "ana", text: envelope)
        #expect(await eventually(seconds: 10) { c.texts(1, b, type: "ack").count == 1 })
        #expect(c.texts(0, a, type: "ack") == [#"{"type":"ack","id":"m1","offset":1}"#])
        #expect(c.texts(1, b, type: "ack") == [#"{"type":"ack","id":"m1","offset":1}"#])
        let key = HistoryPublishScript.keys(channel: c.channel, publishID: nil)[1]
        #expect(await c.clients[0].send(["XLEN", key]) == .success(.integer(1)))
        c.hubs[0].publish(c.channel, handle: a, from: "ana", text: "barrier")
        #expect(await eventually(seconds: 10) { c.offsets(1, b) == [1, 2] && c.offsets(0, a) == [1, 2] })
    }

    @Test func lostPubSubMessages_areFilledByResync_withoutReconnectingAnyone() async throws {
        let server = try RedisServerProcess()  // CLIENT KILL must not touch other tests' connections
        let c = try Cluster(server.url)
        defer { c.close() }
        let (a, b) = try #require(await c.anaAndBiaJoined())
        c.hubs[0].publish(c.channel, handle: a, from: "ana", text: "before")
        #expect(await eventually(seconds: 10) { c.offsets(1, b) == [1] && c.offsets(0, a) == [1] })
        _ = await c.clients[0].send(["CLIENT", "KILL", "TYPE", "pubsub"])
        // Published while both subscribers are (or may be) reconnecting: some or all are lost on the wire.
        for n in 0..<5 { c.hubs[n % 2].publish(c.channel, handle: n % 2 == 0 ? a : b, from: "x", text: "during\(n)") }
        let key = HistoryPublishScript.keys(channel: c.channel, publishID: nil)[0]
        #expect(await eventually(seconds: 10) { await c.clients[0].send(["HGET", key, "s"]) == .success(.bulkString(Array("6".utf8))) })
        #expect(await c.subscribed())
        for hub in c.hubs { hub.resync() }  // what the store's timers call (after resubscribe, every 15 s)
        let all = Array(Int64(1)...6)
        #expect(await eventually(seconds: 10) { c.offsets(0, a) == all && c.offsets(1, b) == all })
        // Nobody was told to reload, nobody got a second hello.
        for (index, handle) in [(0, a), (1, b)] {
            #expect(c.texts(index, handle, type: "reset").isEmpty)
            #expect(c.texts(index, handle, type: "hello").count == 1)
        }
    }

    @Test func resync_isAskedEvery15Seconds_andAfterTheSubscriberCameBack() async throws {
        let server = try RedisServerProcess()  // CLIENT KILL must not touch other tests' connections
        let c = try Cluster(server.url, instances: 1)
        defer { c.close() }
        #expect(await c.join(0, Cluster.handle(1), login: "ana"))
        #expect(await c.subscribed())
        let store = c.stores[0]
        c.timers.advance(milliseconds: 14_999)
        let quiet = store.resyncCount
        c.timers.advance(milliseconds: 1)
        #expect(store.resyncCount == quiet + 1)
        c.timers.advance(milliseconds: 15_000)
        #expect(store.resyncCount == quiet + 2)
        _ = await c.clients[0].send(["CLIENT", "KILL", "TYPE", "pubsub"])
        // Right after resubscribing, without the clock moving; then the follow-up 3 s later.
        #expect(await eventually(seconds: 10) { store.resyncCount == quiet + 3 })
        #expect(await c.subscribed())
        c.timers.advance(milliseconds: 3_000)
        #expect(store.resyncCount == quiet + 4)
    }

    @Test func flushall_changesTheEpoch_announcedInBandAndOnReconnect() async throws {
        let server = try RedisServerProcess()  // FLUSHALL must not touch other tests' keys
        let c = try Cluster(server.url)
        defer { c.close() }
        let (a, b) = try #require(await c.anaAndBiaJoined())
        c.hubs[0].publish(c.channel, handle: a, from: "ana", text: "one")
        c.hubs[0].publish(c.channel, handle: a, from: "ana", text: "two")
        #expect(await eventually(seconds: 10) { c.offsets(1, b) == [1, 2] })
        let before = await Self.read(c.stores[0], c.channel, RecoveryRequest())
        #expect(before?.top == 2)
        _ = await c.clients[0].send(["FLUSHALL"])
        c.hubs[1].publish(c.channel, handle: b, from: "bia", text: "three")
        #expect(await eventually(seconds: 10) { c.offsets(0, a) == [1, 2, 1] && c.offsets(1, b) == [1, 2, 1] })
        for (index, handle) in [(0, a), (1, b)] {
            let resets = c.texts(index, handle, type: "reset")
            #expect(resets.count == 1)
            #expect(resets.first?.hasSuffix(#","offset":0,"reason":"epoch_changed"}"#) == true)
            #expect(resets.first?.contains(before?.epoch ?? "?") == false)
        }
        // A client that kept the old position learns it on reconnect.
        let again = await Self.read(c.stores[1], c.channel, RecoveryRequest(epoch: before?.epoch, offset: 2))
        #expect(again?.outcome == .failed(.epochChanged))
        #expect(again?.top == 1)
    }

    @Test func changedRunID_rotatesTheEpochOnTheNextRead() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url, instances: 1)
        defer { c.close() }
        #expect(await eventually(seconds: 10) { c.clients[0].isConnected })
        #expect(await Self.publish(c.stores[0], c.channel, "x") == .stored(ack: nil))
        let first = await Self.read(c.stores[0], c.channel, RecoveryRequest(epoch: nil, offset: nil, last: 5))
        #expect(first?.top == 1 && first?.entries.count == 1)
        let upToDate = await Self.read(c.stores[0], c.channel, RecoveryRequest(epoch: first?.epoch, offset: 1))
        #expect(upToDate?.outcome == .recovered(from: 2, through: 1))
        // As if this Redis had been restored from a snapshot written by another server run.
        let meta = HistoryPublishScript.keys(channel: c.channel, publishID: nil)[0]
        _ = await c.clients[0].send(["HSET", meta, "r", "0000000000000000000000000000000000000000"])
        let rotated = await Self.read(c.stores[0], c.channel, RecoveryRequest(epoch: first?.epoch, offset: 1))
        #expect(rotated?.outcome == .failed(.epochChanged))
        #expect(rotated?.top == 0 && rotated?.epoch != first?.epoch)
    }

    @Test func redisDown_publishFails_withoutAck_andReadIsNil() async throws {
        let server = try RedisServerProcess()
        let c = try Cluster(server.url, instances: 1)
        defer { c.close() }
        #expect(await eventually(seconds: 10) { c.clients[0].isConnected })
        server.kill()
        #expect(await eventually(seconds: 10) { !c.clients[0].isConnected })
        #expect(await Self.publish(c.stores[0], c.channel, #"{"type":"publish","id":"m1","data":1}"#) == .failed)
        #expect(await Self.read(c.stores[0], c.channel, RecoveryRequest()) == nil)
        let fetched = await withCheckedContinuation { k in
            c.stores[0].fetch(channel: c.channel, epoch: "E", after: 0) { k.resume(returning: $0) }
        }
        #expect(fetched == .unavailable)
    }
}
