import Glibc
import PilotoRuntime

/// `piloto passwd LOGIN`: reads one password line from stdin and prints `LOGIN:$y$…`, a line for
/// `sessions.users_file`.
///
/// The password never appears in argv (visible in `ps` and shell history): it is read from stdin,
/// with echo turned off when stdin is a terminal, so both `piloto passwd ana` (typed) and
/// `printf '%s\n' "$PW" | piloto passwd ana` (scripts) work.
///
/// Exit codes: 0 printed, 2 usage error (bad login, empty password, no input), 1 hashing failed.
enum PasswdCommand {
    static func run(
        arguments: [String], stdout: Output, stderr: Output, readPassword: () -> String? = PasswordInput.read
    ) -> Int32 {
        guard arguments.count == 1, let login = arguments.first, !login.hasPrefix("-") else {
            let message = arguments.isEmpty ? "passwd needs a LOGIN" : "passwd takes exactly one LOGIN"
            return usageFailure(UsageError(message: message), command: "passwd", stderr: stderr)
        }
        if let problem = UsersFile.loginProblem(login) {
            return usageFailure(UsageError(message: "invalid LOGIN '\(login)': \(problem)"), command: "passwd", stderr: stderr)
        }
        guard let password = readPassword() else {
            stderr.write("piloto: no password on stdin\n")
            return ExitCode.usage
        }
        guard !password.isEmpty else {
            stderr.write("piloto: empty password refused\n")
            return ExitCode.usage
        }
        guard password.utf8.count <= LoginRequest.maxPasswordBytes, !password.utf8.contains(0) else {
            stderr.write("piloto: password longer than \(LoginRequest.maxPasswordBytes) bytes or contains NUL\n")
            return ExitCode.usage
        }
        guard let hash = PasswordHasher.hash(password) else {
            stderr.write("piloto: libcrypt could not hash the password\n")
            return ExitCode.checkFailed
        }
        stdout.write("\(login):\(hash)\n")
        return ExitCode.success
    }
}

/// One line from stdin, without echo on a terminal.
enum PasswordInput {
    /// The first line of stdin without its line ending, or nil at end of input.
    static func read() -> String? {
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        var echoOff = false
        if terminal && tcgetattr(STDIN_FILENO, &saved) == 0 {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            echoOff = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0
            FileDescriptorWriter.writeAll(STDERR_FILENO, Array("Password: ".utf8))
        }
        defer {
            if echoOff {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileDescriptorWriter.writeAll(STDERR_FILENO, [0x0A])
            }
        }
        return readLine(fd: STDIN_FILENO)
    }

    /// Reads byte by byte up to `\n` (so nothing past the line is consumed), at most 4 KiB.
    static func readLine(fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        var sawAny = false
        while bytes.count < 4096 {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { break }
            sawAny = true
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        guard sawAny else { return nil }
        if bytes.last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
