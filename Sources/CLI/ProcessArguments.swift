import Glibc

/// The command line, read from the process's own initial stack instead of `/proc`.
///
/// Why: on Linux, Swift's `CommandLine.arguments` finds argv by reading `/proc/self/maps`; in a
/// chroot or a minimal container without `/proc` it comes back empty, and `piloto --version`
/// printed the usage and exited 2 (issue 12, item 8). The kernel lays out the initial stack as
/// `argc, argv[0] … argv[argc-1], NULL, envp[0] …, NULL`, and glibc's `environ` points at envp[0]
/// until the first `setenv` grows the environment. So, read before anything calls `setenv`, the
/// words just below `environ` are argv, and the first word (walking down) whose value equals the
/// number of pointers passed is argc. argv pointers are stack addresses, never that small, so the
/// walk cannot stop early by accident.
package enum ProcessArguments {
    /// argv without argv[0]; `CommandLine.arguments` when the stack walk finds nothing.
    package static func current() -> [String] {
        if let arguments = fromInitialStack() { return Array(arguments.dropFirst()) }
        return Array(CommandLine.arguments.dropFirst())
    }

    /// argv including argv[0], or nil when the layout below `environ` does not match. (At process
    /// start `environ` is never NULL: the kernel always passes an envp array, maybe just its NULL.)
    static func fromInitialStack() -> [String]? {
        UnsafeRawPointer(environ).withMemoryRebound(to: UInt.self, capacity: 1) { words in
            argv(below: words)
        }
    }

    /// The argv that ends just below `envp`: `envp[-1]` must be the NULL after argv; then walk down
    /// until a word equals the count of pointers above it (argc). Nil past `limit` words.
    static func argv(below envp: UnsafePointer<UInt>, limit: Int = 1 << 16) -> [String]? {
        guard envp[-1] == 0 else { return nil }
        var count = 0
        while count < limit {
            let word = envp[-2 - count]
            if word == UInt(count) { break }
            guard word != 0 else { return nil }
            count += 1
        }
        guard count < limit else { return nil }
        var arguments: [String] = []
        arguments.reserveCapacity(count)
        for index in 0..<count {
            let address = envp[-1 - count + index]
            guard let pointer = UnsafePointer<CChar>(bitPattern: address) else { return nil }
            arguments.append(String(cString: pointer))
        }
        return arguments
    }
}
