import CProcessSpawn
import Glibc

/// A started backend process: its pid (also its process group id) and the read ends of the pipes
/// that carry its stdout and stderr.
package struct SpawnedChild: Sendable, Equatable {
    package let pid: pid_t
    package let stdout: Int32
    package let stderr: Int32
}

/// Starts a child with posix_spawn(3), not fork(2): the server has many threads, and after fork
/// only async-signal-safe calls are allowed, which Swift code cannot promise. glibc's posix_spawn
/// uses clone(CLONE_VM|CLONE_VFORK) and reports an exec failure (ENOENT, EACCES) as its result,
/// reaping that failed child itself.
///
/// What the child gets:
/// - stdin `/dev/null`, stdout and stderr the write ends of two pipes; every other descriptor is
///   closed (`addclosefrom_np(3)`), so no listening socket, epoll or Redis connection leaks;
/// - every signal at its default action and an empty signal mask: piloto ignores SIGPIPE, SIGTERM
///   and SIGINT (it handles them through Dispatch), and ignored dispositions survive exec, which
///   would make a backend deaf to the SIGTERM of shutdown;
/// - its own process group (pgid = pid): a terminal's ^C reaches piloto only, which drains and
///   then signals the group once; and signalling the group reaches the backend's own children
///   (uvicorn workers, a `sh -c` wrapper's command).
enum ChildSpawner {
    static func spawn(_ command: ChildCommand) -> Result<SpawnedChild, SpawnError> {
        var info = stat()
        guard stat(command.directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            return .failure(.directoryMissing(command.directory))
        }
        guard let name = command.arguments.first else { return .failure(.emptyCommand) }
        let executable: String
        switch ExecutableLookup.resolve(name, path: command.variable("PATH"), directory: command.directory) {
        case .success(let path): executable = path
        case .failure(let error): return .failure(error)
        }
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe2(&out, O_CLOEXEC) == 0 else { return .failure(.system(operation: "pipe2", code: errno)) }
        guard pipe2(&err, O_CLOEXEC) == 0 else {
            let code = errno
            close(out[0])
            close(out[1])
            return .failure(.system(operation: "pipe2", code: code))
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addchdir_np(&actions, command.directory)
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let result = withCStrings(command.arguments) { argv in
            withCStrings(command.environment) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        close(out[1])
        close(err[1])
        guard result == 0 else {
            close(out[0])
            close(err[0])
            if result == ENOENT || result == EACCES || result == ENOEXEC { return .failure(.notExecutable(name)) }
            return .failure(.system(operation: "posix_spawn", code: result))
        }
        return .success(SpawnedChild(pid: pid, stdout: out[0], stderr: err[0]))
    }

    /// A NULL-terminated `char *[]` for the duration of `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
