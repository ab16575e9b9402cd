import Dispatch
import FoundationEssentials
import Glibc
import PilotoConfig
import Synchronization

/// The users who may log in, from `sessions.users_file`, reloaded when the file changes.
///
/// Ops rotate a password by editing the file (or `kubectl cp`/a new secret mount): the directory
/// notices within ~2 s by polling the file's identity (inode, size, mtime), and at once on SIGHUP.
/// Polling rather than inotify because Secret Manager mounts and atomic renames replace the file,
/// which a watch on the old inode would miss. A missing or unreadable file keeps the last good
/// list and logs the problem.
package final class UserDirectory: Sendable {
    private struct State {
        var users = UsersFile()
        var identity: FileIdentity?
    }

    /// What changes when the file is edited or replaced.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    /// nil: no users file configured (every login fails).
    package let path: String?
    private let logger: Logger?
    private let state = Mutex(State())
    private let timer = DispatchSourceSlot()
    private let signal = DispatchSourceSlot()
    private let queue = DispatchQueue(label: "piloto-users-file")

    /// Loads the file once, synchronously, so the server starts with its users.
    package init(path: String?, logger: Logger?) {
        self.path = path
        self.logger = logger
        reloadIfChanged()
    }

    /// A directory with a fixed list (tests, or a config without a users file).
    package init(users: [String: String]) {
        path = nil
        logger = nil
        state.withLock { $0.users = UsersFile(hashes: users) }
    }

    /// A resumed Dispatch source outlives its last reference until cancelled.
    deinit { stop() }

    /// The stored hash for `login`, or nil.
    package func hash(for login: String) -> String? { state.withLock { $0.users.hashes[login] } }

    /// How many users are loaded.
    package var count: Int { state.withLock { $0.users.hashes.count } }

    /// Polls the file every `intervalMilliseconds` on a background queue until `stop()`.
    package func startWatching(intervalMilliseconds: Int = 2000) {
        guard path != nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(
            deadline: .now() + .milliseconds(intervalMilliseconds), repeating: .milliseconds(intervalMilliseconds),
            leeway: .milliseconds(max(1, intervalMilliseconds / 10)))
        timer.setEventHandler { [weak self] in self?.reloadIfChanged() }
        self.timer.install(timer)
    }

    /// Reloads on every SIGHUP (`kill -HUP`, the traditional "re-read your config"), whatever the
    /// file's identity says. SIGHUP's default action (terminate) is disabled while this is active.
    package func reloadOnSIGHUP() {
        guard path != nil else { return }
        Glibc.signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        source.setEventHandler { [weak self] in self?.reload(force: true) }
        signal.install(source)
    }

    /// Stops the poll timer and the SIGHUP handler.
    package func stop() {
        timer.cancel()
        signal.cancel()
    }

    /// Re-reads the file when its identity changed since the last load; returns true if reloaded.
    @discardableResult
    package func reloadIfChanged() -> Bool { reload(force: false) }

    @discardableResult
    private func reload(force: Bool) -> Bool {
        guard let path else { return false }
        guard let identity = Self.identity(of: path) else {
            let hadFile = state.withLock { s in
                defer { s.identity = nil }
                return s.identity != nil
            }
            if hadFile || force { logger?.log(.error, "users file \(path): cannot be read; keeping the last list") }
            return false
        }
        let unchanged = state.withLock { $0.identity == identity }
        if unchanged && !force { return false }
        guard let data = FileManager.default.contents(atPath: path) else {
            logger?.log(.error, "users file \(path): cannot be read; keeping the last list")
            return false
        }
        let parsed = UsersFile.parse(String(decoding: data, as: UTF8.self))
        state.withLock { s in
            s.users = parsed
            s.identity = identity
        }
        for problem in parsed.problems {
            logger?.log(
                .warning, "users file \(path):\(problem.line): \(problem.message); line skipped",
                fields: [("line", .int(Int64(problem.line)))])
        }
        logger?.log(.info, "users file loaded", fields: [("path", .string(path)), ("users", .int(Int64(parsed.hashes.count)))])
        return true
    }

    static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }
}
