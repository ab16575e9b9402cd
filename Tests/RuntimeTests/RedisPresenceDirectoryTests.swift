import Testing
import PilotoTestKit
@testable import PilotoRuntime

/// Two presence directories (two service instances) on one real Redis, on one manual clock.
@Suite struct RedisPresenceDirectoryTests {
    static let start: Int64 = 1_700_000_000_000

    final class Cluster: Sendable {
        let timers = ManualPresenceTimers(start: RedisPresenceDirectoryTests.start)
        let channel = uniqueName("room")
        let events: String = uniqueName("piloto:presence")
        let clients: [RedisClient]
        let directories: [RedisPresenceDirectory]
        let logs: [PresenceLog]

        init(_ url: RedisURL, instances: Int = 2) throws {
            var settings = RedisPresenceDirectory.Settings(debounceMilliseconds: 10_000)
            settings.eventChannel = events
            var clients: [RedisClient] = []
            var directories: [RedisPresenceDirectory] = []
            var logs: [PresenceLog] = []
            for index in 0..<instances {
                let client = RedisClient(url: url, loop: ClientLoop.shared, options: .fast)
                let directory = RedisPresenceDirectory(
                    client: client, url: url, options: .fast, settings: settings, timers: timers, instance: "i\(index)")
                let log = PresenceLog()
                log.observe(directory)
                clients.append(client)
                directories.append(directory)
                logs.append(log)
            }
            self.clients = clients
            self.directories = directories
            self.logs = logs
        }

        var now: Int64 { timers.nowMilliseconds() }

        func close() {
            for d in directories { d.close() }
            for c in clients { c.close() }
        }

        /// Every directory's subscription is active (counted by Redis) and every client is up.
        func ready() async -> Bool {
            await eventually {
                guard clients.allSatisfy(\.isConnected),
                      case .success(.array(let items?)) = await clients[0].send(["PUBSUB", "NUMSUB", events]),
                      items.count == 2, case .integer(let n) = items[1]
                else { return false }
                return n == directories.count
            }
        }

        /// Waits until every directory's earlier script replies were handled (FIFO per client).
        func settle() async {
            for d in directories { _ = await d.members(channel: channel) }
        }

        /// Waits until every log holds `count` entries.
        func logsReach(_ count: Int) async -> Bool {
            await eventually(seconds: 10) { logs.allSatisfy { $0.all.count >= count } }
        }

        /// A sentinel user's join seen everywhere: any event published before it has arrived too.
        func barrier(_ name: String) async -> Bool {
            await settle()
            let d = directories[0]
            d.connect(channel: channel, user: name, connection: "barrier-\(name)", now: now)
            return await eventually(seconds: 10) { logs.allSatisfy { $0.lines.contains { $0.hasPrefix("\(channel) +\(name)@") } } }
        }

        func lines(_ index: Int) -> [String] { logs[index].lines.map { String($0.dropFirst(channel.count + 1)) } }
    }

    @Test func membersAreTheSameFromEveryInstance() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        #expect(await c.ready())
        c.directories[0].connect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        await c.settle()
        c.timers.advance(milliseconds: 5)
        c.directories[1].connect(channel: c.channel, user: "bia", connection: "b1", now: c.now)
        c.directories[1].connect(channel: c.channel, user: "ana", connection: "b2", now: c.now)
        await c.settle()
        let expected = [
            PresenceMember(user: "ana", sinceMilliseconds: Self.start), PresenceMember(user: "bia", sinceMilliseconds: Self.start + 5),
        ]
        #expect(await c.directories[0].members(channel: c.channel) == expected)
        #expect(await c.directories[1].members(channel: c.channel) == expected)
    }

    @Test func eachUserJoinsOnceAndEveryInstanceSeesTheSameOrder() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        #expect(await c.ready())
        let users = ["caio", "ana", "bia", "davi"]
        for (index, user) in users.enumerated() {
            // Two connections per user, on both instances: still one join per user.
            c.directories[index % 2].connect(channel: c.channel, user: user, connection: "\(user)-1", now: c.now)
            c.directories[(index + 1) % 2].connect(channel: c.channel, user: user, connection: "\(user)-2", now: c.now)
            c.timers.advance(milliseconds: 1)
        }
        #expect(await c.barrier("zz"))
        // Scripts from two clients interleave in any order; Redis's order is everyone's order.
        let expected = users.enumerated().map { "+\($0.element)@\(Self.start + Int64($0.offset))" }
        #expect(c.lines(0).sorted() == expected.sorted() + ["+zz@\(Self.start + 4)"])
        #expect(c.lines(0).last == "+zz@\(Self.start + 4)")
        #expect(c.lines(1) == c.lines(0))
    }

    @Test func theLastConnectionsLeaveIsPublishedOnceAfterTheDebounce() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        #expect(await c.ready())
        c.directories[0].connect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        await c.settle()
        c.directories[1].connect(channel: c.channel, user: "ana", connection: "b1", now: c.now)
        await c.settle()
        c.directories[0].disconnect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        await c.settle()
        c.timers.advance(milliseconds: 1_000)
        c.directories[1].disconnect(channel: c.channel, user: "ana", connection: "b1", now: c.now)
        await c.settle()
        c.timers.advance(milliseconds: 9_999)
        let inside = await c.directories[0].members(channel: c.channel)
        #expect(inside == [PresenceMember(user: "ana", sinceMilliseconds: Self.start)])
        // Instance 1 armed the sweep for the due leave (nobody else touches the channel).
        c.timers.advance(milliseconds: 1)
        #expect(await c.logsReach(2))
        #expect(await c.barrier("zz"))
        #expect(c.lines(0) == ["+ana@\(Self.start)", "-ana", "+zz@\(Self.start + 11_000)"])
        #expect(c.lines(1) == c.lines(0))
        #expect(await c.directories[1].members(channel: c.channel) == [
            PresenceMember(user: "zz", sinceMilliseconds: Self.start + 11_000),
        ])
    }

    @Test func aReconnectOnAnotherInstanceInsideTheDebounceSendsNoLeaveOrJoin() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        #expect(await c.ready())
        c.directories[0].connect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        c.timers.advance(milliseconds: 2_000)
        c.directories[0].disconnect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        await c.settle()
        c.timers.advance(milliseconds: 9_000)
        c.directories[1].connect(channel: c.channel, user: "ana", connection: "b1", now: c.now)
        await c.settle()
        c.timers.advance(milliseconds: 30_000)
        await c.settle()
        #expect(await c.barrier("zz"))
        #expect(c.lines(0) == ["+ana@\(Self.start)", "+zz@\(Self.start + 41_000)"])
        #expect(c.lines(1) == c.lines(0))
        #expect(await c.directories[0].members(channel: c.channel).first == PresenceMember(user: "ana", sinceMilliseconds: Self.start))
    }

    @Test func aDeadInstancesMembersAreSweptAndTheirLeavePublished() async throws {
        let redis = try TestRedis()
        let c = try Cluster(redis.url)
        defer { c.close() }
        #expect(await c.ready())
        c.directories[0].connect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        await c.settle()
        c.directories[1].connect(channel: c.channel, user: "bia", connection: "b1", now: c.now)
        await c.settle()
        // Instance 0 dies: no disconnect, no more refreshes.
        c.directories[0].close()
        for _ in 0..<2 {
            c.timers.advance(milliseconds: 25_000)
            await c.settle()
        }
        // 60 s: ana's entry expired; instance 1's sweep timer moves it to the debounce.
        c.timers.advance(milliseconds: 10_000)
        await c.settle()
        #expect(c.lines(1) == ["+ana@\(Self.start)", "+bia@\(Self.start)"])
        c.timers.advance(milliseconds: 10_000)
        #expect(await eventually(seconds: 10) { c.lines(1).count == 3 })
        #expect(c.lines(1) == ["+ana@\(Self.start)", "+bia@\(Self.start)", "-ana"])
        #expect(await c.directories[1].members(channel: c.channel) == [PresenceMember(user: "bia", sinceMilliseconds: Self.start)])
        // bia's own entry was refreshed all along and is still there.
        guard case .success(.array(let conns?)) = await c.clients[1].send(["HKEYS", "piloto:{ch:\(c.channel)}:pres"]) else {
            Issue.record("HKEYS failed")
            return
        }
        #expect(conns.compactMap(\.text) == ["b1"])
    }

    @Test func scriptsSurviveAFlushedScriptCacheInOrder() async throws {
        let redis = try RedisServerProcess()  // SCRIPT FLUSH must not empty other tests' script cache
        let c = try Cluster(redis.url, instances: 1)
        defer { c.close() }
        #expect(await c.ready())
        _ = await c.clients[0].send(["SCRIPT", "FLUSH"])
        c.directories[0].connect(channel: c.channel, user: "ana", connection: "a1", now: c.now)
        #expect(await c.directories[0].members(channel: c.channel) == [PresenceMember(user: "ana", sinceMilliseconds: Self.start)])
        #expect(c.directories[0].failedCalls == 0)
    }
}

@Suite struct RedisPresenceWireTests {
    @Test func eventsParseWithTheUserAsTheRestOfTheLine() {
        let join = RedisPresenceDirectory.parseEvent(Array("j room 1700000000123 ana maria".utf8))
        #expect(join?.0 == "room")
        #expect(join?.1 == .join(PresenceMember(user: "ana maria", sinceMilliseconds: 1_700_000_000_123)))
        let leave = RedisPresenceDirectory.parseEvent(Array("l room bia".utf8))
        #expect(leave?.0 == "room")
        #expect(leave?.1 == .leave(user: "bia"))
    }

    @Test func malformedEventsAreIgnored() {
        for text in ["", "x room ana", "j room notanumber ana", "j room 12", "l room", "l room "] {
            #expect(RedisPresenceDirectory.parseEvent(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func listedMembersSortBySinceThenUser() {
        let listed: [RESPValue] = ["caio", "5", "bia", "3", "ana", "5"].map { .bulkString(Array($0.utf8)) }
        #expect(RedisPresenceDirectory.members(from: listed).map(\.user) == ["bia", "ana", "caio"])
    }

    @Test func scriptHashIsTheSHA1OfItsSource() {
        // `echo -n "return 1" | sha1sum`
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }
}

@Suite struct RedisScriptTests {
    @Test func evalshaFallsBackToEvalAfterTheCacheIsFlushed() async throws {
        let redis = try RedisServerProcess()  // SCRIPT FLUSH must not empty other tests' script cache
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        let key = uniqueName("script")
        let script = RedisScript("return redis.call('INCR', KEYS[1]) + tonumber(ARGV[1]) -- \(key)")
        func run() async -> Result<RESPValue, RedisError> {
            await withCheckedContinuation { c in
                script.run(on: client, keys: [key], arguments: ["100"]) { c.resume(returning: $0) }
            }
        }
        #expect(await run() == .success(.integer(101)))
        #expect(await client.send(["SCRIPT", "EXISTS", script.sha1]) == .success(.array([.integer(1)])))
        _ = await client.send(["SCRIPT", "FLUSH"])
        #expect(await run() == .success(.integer(102)))
    }
}
