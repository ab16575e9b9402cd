/// Incremental RESP2 parser: bytes in (any split, down to one at a time), complete values out.
///
/// `next()` either returns a whole value and consumes exactly its bytes, returns nil and consumes
/// nothing (more bytes needed), or throws a `RESPError`; after an error the parser stays failed,
/// because the stream has lost its framing. Every length is checked against `RESPLimits` *before*
/// anything is allocated, and nesting is bounded, so no input can exhaust memory or the stack.
package struct RESPParser: Sendable {
    package let limits: RESPLimits
    private var buffer: [UInt8] = []
    private var start = 0
    private var failure: RESPError?

    package init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Bytes received but not yet returned as values.
    package var bufferedByteCount: Int { buffer.count - start }

    package mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Drops everything buffered and clears a failure (a fresh connection).
    package mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        start = 0
        failure = nil
    }

    /// The next complete value, or nil when more bytes are needed.
    package mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        var index = start
        do {
            guard let value = try parse(at: &index, depth: 0) else { return nil }
            start = index
            compact()
            return value
        } catch {
            failure = error
            throw error
        }
    }

    /// Reclaims consumed bytes once they dominate the buffer (amortised O(1) per byte).
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            start = 0
        } else if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private func parse(at index: inout Int, depth: Int) throws(RESPError) -> RESPValue? {
        guard index < buffer.count else { return nil }
        let type = buffer[index]
        var cursor = index + 1
        guard let line = try readLine(at: &cursor) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            index = cursor
            return .simpleString(String(decoding: buffer[line], as: UTF8.self))
        case UInt8(ascii: "-"):
            index = cursor
            return .error(String(decoding: buffer[line], as: UTF8.self))
        case UInt8(ascii: ":"):
            let value = try integer(line)
            index = cursor
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let count = try count(line, maximum: limits.maxBulkLength, beyond: RESPError.bulkTooLarge) else {
                index = cursor
                return .bulkString(nil)
            }
            guard buffer.count - cursor >= count + 2 else { return nil }
            // The payload is binary: only the two bytes after it must be CRLF.
            guard buffer[cursor + count] == 13, buffer[cursor + count + 1] == 10 else { throw .missingCRLF }
            let bytes = Array(buffer[cursor..<(cursor + count)])
            index = cursor + count + 2
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = try count(line, maximum: limits.maxArrayCount, beyond: RESPError.arrayTooLarge) else {
                index = cursor
                return .array(nil)
            }
            guard depth < limits.maxDepth else { throw .nestingTooDeep }
            var items: [RESPValue] = []
            // Each element needs at least 3 bytes (`:0\r\n` is 4): never reserve more than could arrive.
            items.reserveCapacity(min(count, (buffer.count - cursor) / 3 + 1))
            for _ in 0..<count {
                guard let item = try parse(at: &cursor, depth: depth + 1) else { return nil }
                items.append(item)
            }
            index = cursor
            return .array(items)
        default:
            throw .invalidTypeByte(type)
        }
    }

    /// The range of the line starting at `cursor` (without CRLF), advancing `cursor` past the CRLF;
    /// nil when the CRLF has not arrived yet.
    private func readLine(at cursor: inout Int) throws(RESPError) -> Range<Int>? {
        var i = cursor
        let limit = min(buffer.count, cursor + limits.maxLineLength + 1)
        while i < limit {
            let byte = buffer[i]
            if byte == 13 {
                guard i + 1 < buffer.count else { return nil }
                guard buffer[i + 1] == 10 else { throw .missingCRLF }
                let line = cursor..<i
                cursor = i + 2
                return line
            }
            // A bare LF inside a line is a framing error (simple strings cannot contain CR or LF).
            if byte == 10 { throw .missingCRLF }
            i += 1
        }
        if i - cursor > limits.maxLineLength { throw .lineTooLong }
        return nil
    }

    /// The count in a `$` or `*` header: nil for -1 (RESP2's null), else 0...`maximum`
    /// (`invalidLength` below, `beyond` above). Bulk strings and arrays share the rule.
    private func count(
        _ line: Range<Int>, maximum: Int, beyond: (Int64) -> RESPError
    ) throws(RESPError) -> Int? {
        let value = try integer(line)
        if value == -1 { return nil }
        guard value >= 0 else { throw .invalidLength(value) }
        guard value <= Int64(maximum) else { throw beyond(value) }
        return Int(value)
    }

    /// A decimal Int64: optional `-`, then at least one digit, nothing else.
    private func integer(_ line: Range<Int>) throws(RESPError) -> Int64 {
        var i = line.lowerBound
        var negative = false
        if i < line.upperBound && buffer[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < line.upperBound, line.upperBound - i <= 19 else { throw .invalidInteger }
        var value: Int64 = 0
        while i < line.upperBound {
            let byte = buffer[i]
            guard byte >= 48 && byte <= 57 else { throw .invalidInteger }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(byte - 48))
            guard !o1, !o2 else { throw .invalidInteger }
            value = sum
            i += 1
        }
        return negative ? -value : value
    }
}
