import Foundation
import Glibc
import Testing
import PilotoTestKit
@testable import PilotoRuntime

/// The client against real `redis-server` processes (and one fake that never answers).
@Suite struct RedisClientTests {
    @Test func pipelinesAThousandCommandsInOrder() async throws {
        let redis = try TestRedis()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        let key = uniqueName("counter")
        let replies = Collected<Int64>()
        let done = Collected<Bool>()
        // Submitted back to back, before any reply: the client pipelines them on one connection.
        for i in 0..<1000 {
            client.send(["INCR", key]) { result in
                if case .success(.integer(let n)) = result { replies.append(n) } else { replies.append(-Int64(i)) }
                if i == 999 { done.append(true) }
            }
        }
        #expect(await eventually { done.count == 1 })
        #expect(replies.all == Array(1...1000))
        _ = await client.send(["DEL", key])
    }

    @Test func concurrentSubmittersEachGetTheirOwnReplies() async throws {
        let redis = try TestRedis()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for i in 0..<250 {
                        let text = "w\(worker)-\(i)"
                        if await client.send(["ECHO", text]) != .success(.bulkString(Array(text.utf8))) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func largeValuesCrossPartialReadsAndWrites() async throws {
        let redis = try TestRedis()
        var options = RedisClientOptions()
        options.commandTimeoutMilliseconds = 30_000  // a bound for a loaded CI machine, not a measurement
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: options)
        defer { client.close() }
        let key = uniqueName("large")
        // 4 MiB: more than the socket buffers, so writes hit EAGAIN and reads arrive in pieces.
        let value = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let set = await withCheckedContinuation { c in
            client.send([Array("SET".utf8), Array(key.utf8), value]) { c.resume(returning: $0) }
        }
        #expect(set == .success(.simpleString("OK")))
        #expect(await client.send(["GET", key]) == .success(.bulkString(value)))
        #expect(await client.send(["DEL", key]) == .success(.integer(1)))
    }

    @Test func binarySafeRoundTripAndServerErrors() async throws {
        let redis = try TestRedis()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        let key = uniqueName("bin")
        let value: [UInt8] = [0, 13, 10, 255, 36, 42, 43]
        let set = await withCheckedContinuation { c in
            client.send([Array("SET".utf8), Array(key.utf8), value]) { c.resume(returning: $0) }
        }
        #expect(set == .success(.simpleString("OK")))
        #expect(await client.send(["GET", key]) == .success(.bulkString(value)))
        #expect(await client.send(["GET", uniqueName("missing")]) == .success(.bulkString(nil)))
        guard case .failure(.server(let error)) = await client.send(["INCR", key]) else {
            Issue.record("expected a server error")
            return
        }
        #expect(error.code == .err && error.message.hasPrefix("ERR"))
        // The connection is still usable after an error reply.
        #expect(await client.send(["DEL", key]) == .success(.integer(1)))
        #expect(client.isConnected)
    }

    @Test func authenticatesWithThePasswordFromTheURL() async throws {
        let redis = try RedisServerProcess(password: "p@ss:w/rd")
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))

        var wrong = redis.url
        wrong.password = "nope"
        let rejected = RedisClient(url: wrong, loop: ClientLoop.shared, options: .fast)
        defer { rejected.close() }
        guard case .failure(.connectionFailed(let reason)) = await rejected.send(["PING"]) else {
            Issue.record("expected AUTH to fail")
            return
        }
        #expect(reason.contains("AUTH"))
        #expect(!reason.contains("nope"))
        #expect(await eventually { if case .disconnected = rejected.state { true } else { false } })

        var none = redis.url
        none.password = nil
        let anonymous = RedisClient(url: none, loop: ClientLoop.shared)
        defer { anonymous.close() }
        // The handshake's PING is refused: a missing password is a connection failure, not a reply.
        guard case .failure(.connectionFailed(let message)) = await anonymous.send(["GET", "k"]) else {
            Issue.record("expected NOAUTH")
            return
        }
        #expect(message.contains("NOAUTH"))
    }

    @Test func selectsTheDatabaseFromTheURL() async throws {
        let redis = try TestRedis()
        var db3 = redis.url
        db3.database = 3
        var db0 = redis.url
        db0.database = 0
        let three = RedisClient(url: db3, loop: ClientLoop.shared)
        let zero = RedisClient(url: db0, loop: ClientLoop.shared)
        defer {
            three.close()
            zero.close()
        }
        let key = uniqueName("db")
        #expect(await three.send(["SET", key, "in-3"]) == .success(.simpleString("OK")))
        #expect(await three.send(["GET", key]) == .success(.bulkString(Array("in-3".utf8))))
        #expect(await zero.send(["GET", key]) == .success(.bulkString(nil)))
        _ = await three.send(["DEL", key])
    }

    @Test func failsFastWhileRedisIsDownAndReconnectsAfterRestart() async throws {
        let redis = try RedisServerProcess()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        #expect(await client.send(["SET", "k", "before"]) == .success(.simpleString("OK")))

        redis.kill()
        #expect(await eventually { if case .disconnected = client.state { true } else { false } })
        // Down: every command fails (quickly, with a connection error) instead of hanging.
        for _ in 0..<5 {
            guard case .failure(let error) = await client.send(["GET", "k"]) else {
                Issue.record("a command succeeded with Redis down")
                return
            }
            #expect(error != .closed)
        }

        try redis.start()
        #expect(await eventually { await client.send(["PING"]) == .success(.simpleString("PONG")) })
        #expect(client.isConnected)
        // A fresh server (no persistence): the old key is gone, the connection works.
        #expect(await client.send(["GET", "k"]) == .success(.bulkString(nil)))
    }

    @Test func aFrozenRedisTimesOutAndTheClientRecoversWhenItResumes() async throws {
        let redis = try RedisServerProcess()
        defer { redis.resume() }
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))
        redis.pause()
        #expect(await client.send(["PING"]) == .failure(.timeout))
        #expect(!client.isConnected)
        redis.resume()
        #expect(await eventually { await client.send(["PING"]) == .success(.simpleString("PONG")) })
    }

    @Test func aFrozenRedisIsNoticedOnTheSubscriberConnectionByPing() async throws {
        let redis = try RedisServerProcess()
        defer { redis.resume() }
        let subscriber = RedisSubscriber(url: redis.url, loop: ClientLoop.shared, options: .fast) { _, _ in }
        defer { subscriber.close() }
        #expect(await eventually { subscriber.isConnected })
        redis.pause()
        // No command is in flight: only the periodic PING can tell the link is dead.
        #expect(await eventually { !subscriber.isConnected })
        redis.resume()
        #expect(await eventually { subscriber.isConnected })
    }

    @Test func everyCallbackRunsExactlyOnceWhenRedisDiesMidPipeline() async throws {
        let redis = try RedisServerProcess()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))
        let calls = Collected<Int>()
        let total = 20_000
        for i in 0..<total {
            client.send(["INCR", "mid-pipeline"]) { _ in calls.append(i) }
            if i == total / 4 { redis.kill() }
        }
        #expect(await eventually { calls.count >= total })
        let all = calls.all
        #expect(all.count == total)
        #expect(Set(all).count == total)  // no callback twice, none lost
    }

    @Test func connectionRefusedIsAConnectionFailure() async throws {
        let port = try freePort()  // nothing listens there
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: port), loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        guard case .failure(.connectionFailed) = await client.send(["PING"]) else {
            Issue.record("expected connectionFailed")
            return
        }
        #expect(!client.isConnected)
    }

    @Test func aServerThatNeverAnswersTimesOutAndIsRecycled() async throws {
        // A plain TCP listener that is never accepted from: the kernel completes the handshake,
        // and nobody ever replies.
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { close(listener) }
        let port = try #require(Socket.boundPort(listener))
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: port), loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        #expect(await client.send(["PING"]) == .failure(.timeout))
        #expect(!client.isConnected)
        // Later commands fail too (timeout while reconnecting, or fast failure in back-off).
        guard case .failure = await client.send(["PING"]) else {
            Issue.record("expected a failure")
            return
        }
    }

    @Test func garbageFromTheServerIsAProtocolError() async throws {
        // A fake server that answers anything with bytes that are not RESP.
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { close(listener) }
        let port = try #require(Socket.boundPort(listener))
        let served = Collected<Int32>()
        Thread.detachNewThread {
            var pollFd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pollFd, 1, 10_000) == 1, let accepted = try? Socket.accept(listener) else { return }
            served.append(accepted.fd)
            let garbage = Array("!garbage\r\n".utf8)
            _ = garbage.withUnsafeBytes { send(accepted.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: port), loop: ClientLoop.shared, options: .fast)
        defer {
            client.close()
            for fd in served.all { close(fd) }
        }
        #expect(await client.send(["PING"]) == .failure(.protocol(.invalidTypeByte(UInt8(ascii: "!")))))
        #expect(!client.isConnected)
    }

    @Test func closeFailsPendingAndLaterCommands() async throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { close(listener) }
        let port = try #require(Socket.boundPort(listener))
        var options = RedisClientOptions()
        options.commandTimeoutMilliseconds = 60_000
        options.connectTimeoutMilliseconds = 60_000
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: port), loop: ClientLoop.shared, options: options)
        let results = Collected<Result<RESPValue, RedisError>>()
        client.send(["PING"]) { results.append($0) }
        client.close()
        #expect(await eventually { results.count == 1 })
        #expect(results.all.first == .failure(.closed))
        #expect(await client.send(["PING"]) == .failure(.closed))
        #expect(client.state == .closed)
    }
}
