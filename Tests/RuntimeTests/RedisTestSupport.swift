import Foundation
import Glibc
import Synchronization
import PilotoTestKit
@testable import PilotoRuntime

/// A real `redis-server` on a free loopback port, owned by one test and killed by PID.
/// No persistence (`--save '' --appendonly no`), so nothing is written to disk.
final class RedisServerProcess: @unchecked Sendable {
    let port: Int
    let password: String?
    private var process: RedisServerLaunch.Child?

    init(password: String? = nil) throws {
        port = try freePort()
        self.password = password
        try start()
    }

    deinit { kill() }

    var url: RedisURL { RedisURL(host: "127.0.0.1", port: port, password: password) }

    /// Starts (or restarts, on the same port); returns once redis says it accepts connections.
    func start() throws {
        process = try RedisServerLaunch.start(port: port, arguments: password.map { ["--requirepass", $0] } ?? [])
    }

    /// SIGKILL, like a crashed or preempted Redis; waits for the process to be gone.
    func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGSTOP: the kernel still completes TCP handshakes and buffers requests, but nothing is
    /// answered — a hung Redis.
    func pause() {
        if let process { Glibc.kill(process.processIdentifier, SIGSTOP) }
    }

    func resume() {
        if let process { Glibc.kill(process.processIdentifier, SIGCONT) }
    }

    static let binary: String = {
        for candidate in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return "redis-server"
    }()
}

enum RedisTestError: Error { case serverDidNotStart, noPort }

/// A shared Redis when `PILOTO_TEST_REDIS_URL` is set (CI), else a private one for this test.
/// Tests using it must use keys and channels unique to the test.
struct TestRedis {
    let url: RedisURL
    let owned: RedisServerProcess?

    init() throws {
        if let text = ProcessInfo.processInfo.environment["PILOTO_TEST_REDIS_URL"], !text.isEmpty {
            url = try RedisURL(parsing: text)
            owned = nil
        } else {
            let server = try RedisServerProcess()
            url = server.url
            owned = server
        }
    }
}

func freePort() throws -> Int {
    let fd = try Socket.listen(host: "127.0.0.1", port: 0)
    defer { close(fd) }
    guard let port = Socket.boundPort(fd) else { throw RedisTestError.noPort }
    return port
}

/// A thread-safe list for values collected from callbacks.
final class Collected<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.lowercased())" }

extension RedisClientOptions {
    /// Short bounds so failure tests finish quickly.
    static var fast: RedisClientOptions {
        var options = RedisClientOptions()
        options.connectTimeoutMilliseconds = 500
        options.commandTimeoutMilliseconds = 300
        options.initialBackoffMilliseconds = 20
        options.maxBackoffMilliseconds = 200
        options.subscriberPingIntervalMilliseconds = 200
        return options
    }
}

extension SessionStore {
    func create(login: String) async -> Result<Session, SessionStoreError> {
        await withCheckedContinuation { c in create(login: login) { c.resume(returning: $0) } }
    }
    func find(id: String) async -> Result<Session?, SessionStoreError> {
        await withCheckedContinuation { c in find(id: id) { c.resume(returning: $0) } }
    }
    func destroy(id: String) async -> Result<Void, SessionStoreError> {
        await withCheckedContinuation { c in destroy(id: id) { c.resume(returning: $0) } }
    }
}
