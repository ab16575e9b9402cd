/// Cuts a child's output stream into lines (pure): bytes in, complete lines out.
///
/// A line longer than `maximumBytes` is emitted in pieces of that size, so a backend that prints
/// megabytes without a newline cannot grow piloto's memory; Cloud Logging caps an entry at 256 KiB
/// anyway. A trailing `\r` is dropped (CRLF output) and empty lines are skipped. Bytes that are not
/// UTF-8 become U+FFFD: the log line is JSON, which must be valid text.
package struct LineSplitter: Sendable {
    package let maximumBytes: Int
    private var pending: [UInt8] = []

    package init(maximumBytes: Int = 32 * 1024) {
        self.maximumBytes = max(1, maximumBytes)
    }

    /// The complete lines in `pending + bytes`; the rest waits for more bytes or `finish`.
    package mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 0x0A {
                emit(into: &lines)
            } else {
                pending.append(byte)
                if pending.count >= maximumBytes { emit(into: &lines) }
            }
        }
        return lines
    }

    /// The last line when the stream ended without a newline.
    package mutating func finish() -> String? {
        var lines: [String] = []
        emit(into: &lines)
        return lines.first
    }

    private mutating func emit(into lines: inout [String]) {
        if pending.last == 0x0D { pending.removeLast() }
        if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
        pending.removeAll(keepingCapacity: true)
    }
}
