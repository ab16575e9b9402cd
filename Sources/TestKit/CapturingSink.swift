import PilotoRuntime
import Synchronization

/// Captures lines in memory (tests).
package final class CapturingSink: LogSink {
    private let storage = Mutex<[String]>([])
    package init() {}
    package func write(_ line: String) { storage.withLock { $0.append(line) } }
    package var lines: [String] { storage.withLock { $0 } }
}
