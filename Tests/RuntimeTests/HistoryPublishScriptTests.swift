import Foundation
import Glibc
import Testing
@testable import PilotoRuntime

/// A blocking RESP2 client over a plain socket: the test talks to a real redis-server without
/// going through Runtime/Redis (so these tests check the script, not our client).
final class RawRESP {
    indirect enum Reply: Equatable {
        case simple(String), error(String), integer(Int64), bulk(String?), array([Reply]?)
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(url: RedisURL) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(url.port).bigEndian)
        address.sin_addr.s_addr = inet_addr(url.host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw RedisTestError.noPort }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let password = url.password { _ = try command(["AUTH", password]) }
        if url.database != 0 { _ = try command(["SELECT", String(url.database)]) }
    }

    deinit { close(fd) }

    func send(_ args: [String]) {
        var out = Array("*\(args.count)\r\n".utf8)
        for arg in args { out += Array("$\(arg.utf8.count)\r\n".utf8) + Array(arg.utf8) + [13, 10] }
        _ = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    func command(_ args: [String]) throws -> Reply {
        send(args)
        return try reply()
    }

    func reply() throws -> Reply {
        let line = try readLine()
        let rest = String(line.dropFirst())
        switch line.first {
        case "+": return .simple(rest)
        case "-": return .error(rest)
        case ":": return .integer(Int64(rest) ?? 0)
        case "$":
            let n = Int(rest) ?? -1
            guard n >= 0 else { return .bulk(nil) }
            try fill(n + 2)
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            buffer.removeFirst(n + 2)
            return .bulk(text)
        case "*":
            let n = Int(rest) ?? -1
            guard n >= 0 else { return .array(nil) }
            return .array(try (0..<n).map { _ in try reply() })
        default: throw RedisTestError.noPort
        }
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 10), i > 0, buffer[i - 1] == 13 {
                let line = String(decoding: buffer[0..<(i - 1)], as: UTF8.self)
                buffer.removeFirst(i + 1)
                return line
            }
            try more()
        }
    }

    private func fill(_ n: Int) throws { while buffer.count < n { try more() } }

    private func more() throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
        guard n > 0 else { throw RedisTestError.serverDidNotStart }
        buffer += chunk[0..<n]
    }
}

/// The Lua publish script against a real redis-server: SCRIPT LOAD + EVALSHA, NOSCRIPT → EVAL,
/// offsets, stream entries, the live PUBLISH, id dedupe and the run_id epoch rotation.
@Suite(.serialized) struct HistoryPublishScriptTests {
    let redis: TestRedis
    let client: RawRESP
    let channel = uniqueName("hist")

    init() throws {
        redis = try TestRedis()
        client = try RawRESP(url: redis.url)
    }

    func publish(
        _ payload: String, sha: String, id: String? = nil, runID: String = "run-a", epoch: String = "EPOCH-A",
        size: Int = 100, trust: Bool = false
    ) throws -> RawRESP.Reply {
        let keys = HistoryPublishScript.keys(channel: channel, publishID: id)
        return try client.command(
            ["EVALSHA", sha, "3"] + keys
                + [payload, String(size), "60000", "3600", epoch, runID, HistoryPublishScript.pubsubChannel(channel),
                   trust ? "1" : "0", id == nil ? "0" : "1"])
    }

    func load() throws -> String {
        guard case .bulk(let sha?) = try client.command(["SCRIPT", "LOAD", HistoryPublishScript.source]) else {
            Issue.record("SCRIPT LOAD failed")
            return ""
        }
        return sha
    }

    @Test func assignsOffsetsAppendsToTheStreamAndPublishesWithPosition() throws {
        let sha = try load()
        let subscriber = try RawRESP(url: redis.url)
        #expect(try subscriber.command(["SUBSCRIBE", HistoryPublishScript.pubsubChannel(channel)])
            == .array([.bulk("subscribe"), .bulk(HistoryPublishScript.pubsubChannel(channel)), .integer(1)]))

        #expect(try publish("{\"a\":1}", sha: sha) == .array([.integer(1), .bulk("EPOCH-A"), .integer(0)]))
        // A fresh epoch argument is ignored once the channel has one.
        #expect(try publish("{\"a\":2}", sha: sha, epoch: "OTHER") == .array([.integer(2), .bulk("EPOCH-A"), .integer(0)]))

        let keys = HistoryPublishScript.keys(channel: channel, publishID: nil)
        #expect(try client.command(["XRANGE", keys[1], "-", "+"]) == .array([
            .array([.bulk("1-0"), .array([.bulk("d"), .bulk("{\"a\":1}")])]),
            .array([.bulk("2-0"), .array([.bulk("d"), .bulk("{\"a\":2}")])]),
        ]))
        #expect(try client.command(["HMGET", keys[0], "e", "s", "r"]) == .array([.bulk("EPOCH-A"), .bulk("2"), .bulk("run-a")]))
        // Gap fill reads after a position: exclusive start.
        #expect(try client.command(["XRANGE", keys[1], "(1-0", "+", "COUNT", "10"])
            == .array([.array([.bulk("2-0"), .array([.bulk("d"), .bulk("{\"a\":2}")])])]))
        guard case .integer(let ttl) = try client.command(["PTTL", keys[1]]) else { throw RedisTestError.noPort }
        #expect(ttl > 0 && ttl <= 60000)

        let pub = HistoryPublishScript.pubsubChannel(channel)
        #expect(try subscriber.reply() == .array([.bulk("message"), .bulk(pub), .bulk("1:EPOCH-A:{\"a\":1}")]))
        #expect(try subscriber.reply() == .array([.bulk("message"), .bulk(pub), .bulk("2:EPOCH-A:{\"a\":2}")]))
    }

    @Test func aRepeatedPublishIDReturnsTheFirstResultAndStoresNothing() throws {
        let sha = try load()
        #expect(try publish("x", sha: sha, id: "c-1") == .array([.integer(1), .bulk("EPOCH-A"), .integer(0)]))
        #expect(try publish("x", sha: sha, id: "c-1") == .array([.integer(1), .bulk("EPOCH-A"), .integer(1)]))
        #expect(try publish("y", sha: sha, id: "c-2") == .array([.integer(2), .bulk("EPOCH-A"), .integer(0)]))
        let keys = HistoryPublishScript.keys(channel: channel, publishID: "c-1")
        #expect(try client.command(["XLEN", keys[1]]) == .integer(2))
        guard case .integer(let ttl) = try client.command(["TTL", keys[2]]) else { throw RedisTestError.noPort }
        #expect(ttl > 290 && ttl <= 300)
    }

    @Test func aChangedRunIDRotatesTheEpochAndRestartsOffsets() throws {
        let sha = try load()
        _ = try publish("1", sha: sha)
        _ = try publish("2", sha: sha)
        #expect(try publish("3", sha: sha, runID: "run-b", epoch: "EPOCH-B") == .array([.integer(1), .bulk("EPOCH-B"), .integer(0)]))
        let keys = HistoryPublishScript.keys(channel: channel, publishID: nil)
        #expect(try client.command(["XLEN", keys[1]]) == .integer(1))
        // Trusted persistence keeps the epoch across a run_id change.
        #expect(try publish("4", sha: sha, runID: "run-c", epoch: "EPOCH-C", trust: true)
            == .array([.integer(2), .bulk("EPOCH-B"), .integer(0)]))
        #expect(try client.command(["HGET", keys[0], "r"]) == .bulk("run-c"))
    }

    @Test func streamIsCappedNearTheHistorySize() throws {
        let sha = try load()
        for i in 1...1000 { _ = try publish(String(i), sha: sha, size: 50) }
        let keys = HistoryPublishScript.keys(channel: channel, publishID: nil)
        guard case .integer(let length) = try client.command(["XLEN", keys[1]]) else { throw RedisTestError.noPort }
        // MAXLEN ~ trims whole nodes (≤ 100 entries each): at least 50, well below 1000.
        #expect(length >= 50 && length <= 150)
        guard case .array(let last?) = try client.command(["XREVRANGE", keys[1], "+", "-", "COUNT", "1"]),
              case .array(let entry?) = last.first
        else { throw RedisTestError.noPort }
        #expect(entry.first == .bulk("1000-0"))
    }

    /// A script Redis has not cached (as after a restart) answers NOSCRIPT; EVAL runs and caches it.
    /// A unique variant of the source stands for the flushed cache, so a shared Redis keeps its scripts.
    @Test func anUncachedScriptSaysNoscriptAndEvalRunsAndCachesIt() throws {
        let source = HistoryPublishScript.source + "\n-- \(channel)"
        let sha = SHA1.hash(Array(source.utf8)).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        guard case .error(let message) = try publish("x", sha: sha) else {
            Issue.record("expected NOSCRIPT")
            return
        }
        #expect(message.hasPrefix("NOSCRIPT"))
        let keys = HistoryPublishScript.keys(channel: channel, publishID: nil)
        let reply = try client.command(
            ["EVAL", source, "3"] + keys
                + ["x", "100", "60000", "3600", "EPOCH-A", "run-a", HistoryPublishScript.pubsubChannel(channel), "0", "0"])
        #expect(reply == .array([.integer(1), .bulk("EPOCH-A"), .integer(0)]))
        #expect(try client.command(["SCRIPT", "EXISTS", sha]) == .array([.integer(1)]))
        #expect(try publish("y", sha: sha) == .array([.integer(2), .bulk("EPOCH-A"), .integer(0)]))
    }
}
