import FoundationEssentials
import Glibc
import Synchronization

/// Where a command writes its text: the process's stdout/stderr, or a buffer in tests.
///
/// Commands never `print`; they write here, so tests can call the CLI in-process and compare the
/// exact text, and so colour can be decided per stream (only on a terminal, never with `NO_COLOR`).
package final class Output: @unchecked Sendable {
    private enum Sink {
        case file(fd: Int32)
        case buffer
    }

    private let sink: Sink
    private let buffered = Mutex("")

    private init(sink: Sink) { self.sink = sink }

    package static let standardOutput = Output(sink: .file(fd: STDOUT_FILENO))
    package static let standardError = Output(sink: .file(fd: STDERR_FILENO))

    /// A fresh in-memory output for tests; read it back with `text`.
    package static func capture() -> Output { Output(sink: .buffer) }

    package func write(_ text: String) {
        switch sink {
        case .file(let fd):
            FileDescriptorWriter.writeAll(fd, Array(text.utf8))
        case .buffer:
            buffered.withLock { $0 += text }
        }
    }

    /// Everything written so far (captured outputs only).
    package var text: String {
        buffered.withLock { $0 }
    }

    /// True when this is a terminal and `NO_COLOR` is unset: the only case where colour is used.
    package func wantsColor(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard case .file(let fd) = sink else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return isatty(fd) == 1
    }
}
