import CLinuxEvents
import Dispatch
import FoundationEssentials
import PilotoConfig
import Glibc
import Synchronization

/// Where finished log lines go.
package protocol LogSink: Sendable {
    func write(_ line: String)
}

/// Standard output, one line per write (Cloud Run forwards stdout to Cloud Logging).
package struct StandardOutputSink: LogSink {
    package init() {}

    package func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// A JSON-lines logger that never blocks the event loop: lines go to a bounded queue that a
/// writer thread drains; when the queue is full the line is dropped and counted.
///
/// The writer thread holds only the queue, never the logger, and starts on the first line: a
/// logger that is dropped without `close()` (as tests do) still ends its thread in `deinit`, and a
/// logger that never logs costs no thread at all.
package final class Logger: Sendable {
    private let queue: LogQueue
    /// `service.project`, for trace fields.
    package let project: String?

    package init(sink: any LogSink = StandardOutputSink(), project: String? = nil, capacity: Int = 8192) {
        self.queue = LogQueue(sink: sink, capacity: capacity)
        self.project = project
    }

    deinit { queue.close(waiting: false) }

    /// Lines dropped because the queue was full.
    package var dropped: Int { queue.dropped }

    package func log(_ severity: LogSeverity, _ message: String, trace: String? = nil, fields: [(String, JSONValue)] = []) {
        enqueue(LogLine.render(severity: severity, message: message, trace: trace, fields: fields))
    }

    package func enqueue(_ line: String) { queue.enqueue(line) }

    /// Writes everything queued, then stops the writer thread.
    package func close() { queue.close(waiting: true) }
}

/// The bounded line queue and the writer thread that drains it into the sink.
private final class LogQueue: Sendable {
    private struct State {
        var lines: [String] = []
        var closed = false
        var writerStarted = false
    }

    private let sink: any LogSink
    private let capacity: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let droppedCount = Atomic<Int>(0)

    init(sink: any LogSink, capacity: Int) {
        self.sink = sink
        self.capacity = capacity
    }

    var dropped: Int { droppedCount.load(ordering: .relaxed) }

    func enqueue(_ line: String) {
        let (accepted, startWriter) = state.withLock { s -> (Bool, Bool) in
            guard !s.closed, s.lines.count < capacity else { return (false, false) }
            s.lines.append(line)
            defer { s.writerStarted = true }
            return (true, !s.writerStarted)
        }
        guard accepted else {
            droppedCount.add(1, ordering: .relaxed)
            return
        }
        if startWriter {
            OSThread.start { [self] in
                piloto_name_this_thread("piloto-log")
                drain()
            }
        }
        wake.signal()
    }

    /// Marks the queue closed; the writer writes what is queued and stops. `waiting` blocks until
    /// it has (a `deinit` must not block, so it only signals).
    func close(waiting: Bool) {
        let (first, writerRunning) = state.withLock { s -> (Bool, Bool) in
            defer { s.closed = true }
            return (!s.closed, s.writerStarted)
        }
        guard first, writerRunning else { return }
        wake.signal()
        if waiting { finished.wait() }
    }

    private func drain() {
        while true {
            wake.wait()
            let (batch, closed) = state.withLock { s -> ([String], Bool) in
                let batch = s.lines
                s.lines.removeAll(keepingCapacity: true)
                return (batch, s.closed)
            }
            for line in batch { sink.write(line) }
            if closed {
                finished.signal()
                return
            }
        }
    }
}
