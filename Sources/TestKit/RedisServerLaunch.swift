import Foundation

/// Starts a real `redis-server` and returns once it says it accepts connections.
///
/// Waiting is an event, not a poll: redis prints `Ready to accept connections` on stdout when its
/// listener is up, so the launcher reads stdout until that line (or EOF: redis exited, e.g. the port
/// was taken). The rest of stdout is drained on a background thread so redis never blocks on a
/// full pipe.
package enum RedisServerLaunch {
    package enum Failure: Error { case exitedBeforeReady(String) }

    package static let binary: String = {
        for candidate in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return "redis-server"
    }()

    /// `arguments` come after `--port`, `--bind 127.0.0.1` and no persistence.
    package static func start(port: Int, arguments extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"] + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reading = output.fileHandleForReading
        var seen = Data()
        while true {
            let chunk = reading.availableData  // blocks until redis writes or exits
            if chunk.isEmpty { throw Failure.exitedBeforeReady(String(decoding: seen, as: UTF8.self)) }
            seen.append(chunk)
            if String(decoding: seen, as: UTF8.self).contains("Ready to accept connections") { break }
        }
        Thread.detachNewThread {
            while !reading.availableData.isEmpty {}
        }
        return process
    }
}
