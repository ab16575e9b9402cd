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
package final class Logger: Sendable {
    private struct State {
        var queue: [String] = []
        var closed = false
    }

    private let sink: any LogSink
    private let capacity: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let droppedCount = Atomic<Int>(0)
    /// `service.project`, for trace fields.
    package let project: String?

    package init(sink: any LogSink = StandardOutputSink(), project: String? = nil, capacity: Int = 8192) {
        self.sink = sink
        self.capacity = capacity
        self.project = project
        OSThread.start { [self] in
            piloto_name_this_thread("piloto-log")
            self.drain()
        }
    }

    /// Lines dropped because the queue was full.
    package var dropped: Int { droppedCount.load(ordering: .relaxed) }

    package func log(_ severity: LogSeverity, _ message: String, trace: String? = nil, fields: [(String, JSONValue)] = []) {
        enqueue(LogLine.render(severity: severity, message: message, trace: trace, fields: fields))
    }

    package func enqueue(_ line: String) {
        let accepted = state.withLock { s -> Bool in
            guard !s.closed, s.queue.count < capacity else { return false }
            s.queue.append(line)
            return true
        }
        if accepted { wake.signal() } else { droppedCount.add(1, ordering: .relaxed) }
    }

    /// Writes everything queued, then stops the writer thread.
    package func close() {
        let first = state.withLock { s -> Bool in
            defer { s.closed = true }
            return !s.closed
        }
        guard first else { return }
        wake.signal()
        finished.wait()
    }

    private func drain() {
        while true {
            wake.wait()
            let (batch, closed) = state.withLock { s -> ([String], Bool) in
                let batch = s.queue
                s.queue.removeAll(keepingCapacity: true)
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
