import Dispatch
import Glibc

/// Starts a real `redis-server` and returns once it says it accepts connections.
///
/// Waiting is an event, not a poll: redis prints `Ready to accept connections` on stdout when its
/// listener is up, so the launcher reads stdout until that line (or EOF: redis exited, e.g. the port
/// was taken). The rest of stdout is drained in the background so redis never blocks on a full
/// pipe. Glibc's `posix_spawn`, not Foundation's `Process`: no product-side target imports Foundation.
package enum RedisServerLaunch {
    package enum Failure: Error { case spawn(Int32), exitedBeforeReady(String) }

    /// A started redis-server, ended by its PID.
    package struct Child: Sendable {
        package let processIdentifier: pid_t

        /// Reaps it (after a `kill`); returns at once if it is already reaped.
        package func waitUntilExit() {
            var status: Int32 = 0
            while waitpid(processIdentifier, &status, 0) < 0 && errno == EINTR {}
        }
    }

    package static let binary: String = {
        for candidate in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"] where access(candidate, X_OK) == 0 {
            return candidate
        }
        return "redis-server"
    }()

    /// `arguments` come after `--port`, `--bind 127.0.0.1` and no persistence.
    package static func start(port: Int, arguments extra: [String] = []) throws -> Child {
        let arguments = [binary, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"] + extra
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure.spawn(errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }  // dup2 onto 1 clears it for redis's stdout
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, binary, &actions, nil, &argv, environ)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw Failure.spawn(spawned)
        }
        let reading = fds[0]
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: seen, as: UTF8.self).contains("Ready to accept connections") {
            let n = buffer.withUnsafeMutableBytes { read(reading, $0.baseAddress, $0.count) }  // blocks until redis writes or exits
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                close(reading)
                Child(processIdentifier: pid).waitUntilExit()
                throw Failure.exitedBeforeReady(String(decoding: seen, as: UTF8.self))
            }
            seen += buffer[0..<n]
        }
        DispatchQueue.global().async {
            var sink = [UInt8](repeating: 0, count: 4096)
            while sink.withUnsafeMutableBytes({ read(reading, $0.baseAddress, $0.count) }) > 0 {}
            close(reading)
        }
        return Child(processIdentifier: pid)
    }
}
