import Glibc
import PilotoTestKit
import Testing
@testable import PilotoRuntime

/// Redis connections on a core `EventLoop` (`RedisLoopTransport`), against real `redis-server`
/// processes: commands and pub/sub run on the loop's thread (there is no Redis thread), reconnect
/// and deadline ride the loop's sweep, and a drained loop keeps running its client until it closes.
/// Every wait awaits a callback (state change, confirmed subscription, message), never a sleep.
@Suite(.timeLimit(.minutes(1))) struct RedisLoopTransportTests {
    @Test func commandsAndPubSubRunOnTheLoopsThread() async throws {
        let redis = try TestRedis()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared)
        defer { client.close() }
        let subscribed = Events<RedisSubscription>()
        let messages = Events<String>()
        var options = RedisClientOptions.fast
        options.onSubscribed = { subscribed.yield($0) }
        let subscriber = RedisSubscriber(url: redis.url, loop: ClientLoop.shared, options: options) { channel, payload in
            messages.yield("\(threadName()) \(channel)=\(String(decoding: payload, as: UTF8.self))")
        }
        defer { subscriber.close() }
        let channel = uniqueName("loop-chan")
        subscriber.subscribe(channel)
        let key = uniqueName("loop")
        #expect(await client.send(["SET", key, "on-the-loop"]) == .success(.simpleString("OK")))
        let thread = await withCheckedContinuation { c in client.send(["GET", key]) { _ in c.resume(returning: threadName()) } }
        #expect(thread == "piloto-loop-0")
        #expect(await subscribed.next { $0 == .channel(channel) } != nil)
        #expect(await client.send(["PUBLISH", channel, "hi"]) == .success(.integer(1)))
        #expect(await messages.next() == "piloto-loop-0 \(channel)=hi")
        _ = await client.send(["DEL", key])
    }

    @Test func reconnectsAfterRedisRestarts() async throws {
        let redis = try RedisServerProcess()
        let states = Events<RedisConnectionState>()
        var options = RedisClientOptions.fast
        options.onStateChange = { states.yield($0) }
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: options)
        defer { client.close() }
        #expect(await client.send(["SET", "k", "before"]) == .success(.simpleString("OK")))
        #expect(await states.next { $0 == .connected } != nil)
        redis.kill()
        #expect(await states.next { if case .disconnected = $0 { true } else { false } } != nil)
        guard case .failure(let error) = await client.send(["GET", "k"]) else {
            Issue.record("a command succeeded with Redis down")
            return
        }
        #expect(error != .closed)
        try redis.start()  // no persistence: the restarted server is empty
        #expect(await states.next { $0 == .connected } != nil)
        #expect(await client.send(["GET", "k"]) == .success(.bulkString(nil)))
    }

    @Test func aRedisThatNeverAnswersHitsTheDeadline() async throws {
        let redis = try RedisServerProcess()
        defer { redis.resume() }
        let states = Events<RedisConnectionState>()
        var options = RedisClientOptions.fast
        options.onStateChange = { states.yield($0) }
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: options)
        defer { client.close() }
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))
        #expect(await states.next { $0 == .connected } != nil)
        redis.pause()  // SIGSTOP: the socket stays open, nothing answers
        #expect(await client.send(["PING"]) == .failure(.timeout))
        #expect(!client.isConnected)
        redis.resume()
        #expect(await states.next { $0 == .connected } != nil)
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))
    }

    @Test func aDrainedLoopRunsItsClientUntilTheClientCloses() async throws {
        let redis = try TestRedis()
        let loop = try ClientLoop()
        let client = RedisClient(url: redis.url, loop: loop.handle)
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))
        loop.beginDrain()
        #expect(loop.waitUntilDrained(timeoutMilliseconds: 5000))
        // No connection is left, but the loop still runs the client it holds.
        #expect(await client.send(["PING"]) == .success(.simpleString("PONG")))
        client.close()
        #expect(await client.send(["PING"]) == .failure(.closed))
        #expect(loop.waitUntilStopped(timeoutMilliseconds: 5000))
    }
}

/// Values reported by callbacks, awaited in order (one consumer at a time).
private final class Events<T: Sendable>: Sendable {
    private let stream: AsyncStream<T>
    private let continuation: AsyncStream<T>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }

    func yield(_ value: T) { continuation.yield(value) }

    /// The next value that satisfies `predicate`, skipping the others.
    func next(where predicate: (T) -> Bool = { _ in true }) async -> T? {
        for await value in stream where predicate(value) { return value }
        return nil
    }
}

/// The calling thread's name (`piloto-loop-N` on a core loop), from /proc/thread-self/comm.
private func threadName() -> String {
    let fd = open("/proc/thread-self/comm", O_RDONLY)
    guard fd >= 0 else { return "?" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 32)
    let n = read(fd, &buffer, buffer.count)
    return String(decoding: buffer.prefix(max(0, n)).prefix { $0 != 10 }, as: UTF8.self)
}
