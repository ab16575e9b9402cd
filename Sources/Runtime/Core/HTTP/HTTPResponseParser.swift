import Glibc

/// An incremental parser for the responses an upstream sends back to the proxy (RFC 9112): bytes
/// in, events out through a callback. It never touches a socket and never crashes on any input.
///
/// Push with a callback rather than the request parser's pull: body bytes are handed out as views
/// into the caller's read buffer (zero copy), so a streamed download costs no parser memory; only
/// the head, a chunk-size line or a trailer line split across reads is buffered here. The callback
/// can answer `.stop` (client output full, response complete, tunnel); `parse` then returns how
/// much it consumed and the caller feeds the rest later. An error is sticky: the connection's
/// framing is lost and it must be closed.
///
/// Strictness mirrors the request parser (same field-line rules via `HTTPFieldSyntax`): obs-fold,
/// bare LF, control bytes, differing Content-Lengths and bad chunk sizes are errors, because a proxy
/// that guesses where a response ends can hand one user's bytes to the next request on the
/// pooled connection. Bare LF is rejected (RFC 9112 §2.2 allows tolerating it; uvicorn, gunicorn,
/// nginx and Node all send CRLF, and accepting it would only widen what a confused backend can do).
package struct HTTPResponseParser: Sendable {
    private enum State: Sendable, Equatable {
        /// A response ended; bytes before the next `expectResponse` are an error.
        case idle
        case head
        /// `.end` is owed: the callback stopped right before it.
        case endPending
        case fixedBody(remaining: Int)
        case untilClose
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailers
        /// A 101 was delivered: every later byte belongs to the tunnel.
        case upgraded
        case failed(HTTPResponseParseError)
    }

    package let limits: HTTPResponseParserLimits
    private var state: State = .head
    private var requestWasHead = false
    /// Any byte of the current exchange seen (tells `closedBeforeResponse` from `truncated`).
    private var receivedAny = false
    /// The head so far, CRLFs included.
    private var headBuffer: [UInt8] = []
    /// Where the line being received starts in `headBuffer`.
    private var lineStart = 0
    /// Complete head lines (status line first), CRLF excluded.
    private var lines: [Range<Int>] = []
    /// A chunk-size or trailer line split across reads.
    private var lineBuffer: [UInt8] = []
    private var trailerBytes = 0
    /// Bytes of interim (1xx) heads skipped in this exchange: they count against `maxHeadBytes`
    /// too, so an upstream cannot keep the parser busy forever with `100 Continue`s.
    private var interimBytes = 0

    /// `reserving: false` allocates nothing: a placeholder for a parser whose buffers were handed
    /// on to be reused (`LoopProxyState.recycle`).
    package init(limits: HTTPResponseParserLimits = .init(), reserving: Bool = true) {
        self.limits = limits
        guard reserving else { return }
        // Room for a typical head up front: grown line by line from empty, the two buffers were
        // reallocated about eight times per proxied response (`perf`, swift_allocObject).
        headBuffer.reserveCapacity(Self.typicalHeadBytes)
        lines.reserveCapacity(Self.typicalHeadLines)
    }

    /// A typical upstream head: a dozen lines, well under 1 KiB (a bigger one still grows).
    private static let typicalHeadBytes = 1024
    private static let typicalHeadLines = 16

    /// Call before each response: HEAD requests and 1xx/204/304 have no body (RFC 9112 §6.3).
    /// Resets everything but a failure (errors are sticky) or a tunnel. A new parser expects a
    /// response to a non-HEAD request.
    package mutating func expectResponse(toHead: Bool) {
        switch state {
        case .failed, .upgraded: return
        default: break
        }
        requestWasHead = toHead
        state = .head
        receivedAny = false
        interimBytes = 0
        resetHead()
        lineBuffer.removeAll(keepingCapacity: true)
    }

    /// True between responses: nothing is owed, the connection may go back to the pool (if the
    /// last head said `keepAlive`).
    package var isIdle: Bool { state == .idle }

    /// Parses as much as possible, calling emit per event; returns bytes consumed (less than count
    /// only if emit returned .stop, e.g. after .end, or after a 101 head: parse always returns
    /// right after delivering a 101, the rest belongs to the tunnel). After a `.stop`, call again
    /// with the unconsumed bytes (an empty buffer is fine) to resume: a pending `.end` comes first.
    package mutating func parse(
        _ bytes: UnsafeRawBufferPointer, emit: (HTTPResponseEvent) -> ParseControl
    ) throws(HTTPResponseParseError) -> Int {
        if case .failed(let error) = state { throw error }
        do {
            return try run(bytes, emit)
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// The upstream closed: ends an untilClose body (emits .end via return true) or throws
    /// .truncated when a length/chunked body or a head was incomplete, `.closedBeforeResponse` when
    /// not one byte of the response came. False: nothing was in progress.
    package mutating func finish() throws(HTTPResponseParseError) -> Bool {
        let outcome: Result<Bool, HTTPResponseParseError>
        switch state {
        case .failed(let error): outcome = .failure(error)
        case .idle, .upgraded: outcome = .success(false)
        case .untilClose, .endPending: outcome = .success(true)
        case .head: outcome = .failure(receivedAny ? .truncated : .closedBeforeResponse)
        case .fixedBody, .chunkSize, .chunkData, .chunkDataCR, .chunkDataLF, .trailers: outcome = .failure(.truncated)
        }
        switch outcome {
        case .success(let ended):
            if ended { state = .idle }
            return ended
        case .failure(let error):
            state = .failed(error)
            throw error
        }
    }

    /// The body bytes at `i` of the `owed` still due (a length-delimited body or one chunk's data),
    /// advancing `i` past them, and how many are owed after them.
    @inline(__always)
    private static func bodyPiece(
        _ raw: UnsafeRawBufferPointer, at i: inout Int, owed: Int
    ) -> (piece: UnsafeRawBufferPointer, left: Int) {
        let take = min(raw.count - i, owed)
        let piece = UnsafeRawBufferPointer(rebasing: raw[i..<(i + take)])
        i += take
        return (piece, owed - take)
    }

    private mutating func run(
        _ raw: UnsafeRawBufferPointer, _ emit: (HTTPResponseEvent) -> ParseControl
    ) throws(HTTPResponseParseError) -> Int {
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        while true {
            if state == .endPending {
                state = .idle
                if emit(.end) == .stop { return i }
                continue
            }
            guard i < n else { return n }
            switch state {
            case .idle:
                throw .unsolicitedBytes
            case .upgraded:
                return i
            case .head:
                receivedAny = true
                guard let lf = indexOfLF(bytes, from: i) else {
                    try appendHead(bytes, i..<n)
                    return n
                }
                try appendHead(bytes, i..<(lf + 1))
                i = lf + 1
                let headSize = headBuffer.count
                if let head = try completeHeadLine() {
                    if head.status == 101 {
                        state = .upgraded
                        _ = emit(.head(head))
                        return i
                    }
                    // RFC 9110 §15.2: interim responses (100 Continue, 103 Early Hints) are dropped;
                    // the final response follows on the same connection.
                    if head.status < 200 {
                        interimBytes += headSize
                        continue
                    }
                    switch head.framing {
                    case .none: state = .endPending
                    case .length(let length): state = .fixedBody(remaining: length)
                    case .chunked: state = .chunkSize
                    case .untilClose: state = .untilClose
                    }
                    if emit(.head(head)) == .stop { return i }
                }
            case .fixedBody(let remaining):
                let (piece, left) = Self.bodyPiece(raw, at: &i, owed: remaining)
                state = left == 0 ? .endPending : .fixedBody(remaining: left)
                if emit(.body(piece)) == .stop { return i }
            case .untilClose:
                let piece = UnsafeRawBufferPointer(rebasing: raw[i..<n])
                i = n
                if emit(.body(piece)) == .stop { return i }
            case .chunkData(let remaining):
                let (piece, left) = Self.bodyPiece(raw, at: &i, owed: remaining)
                state = left == 0 ? .chunkDataCR : .chunkData(remaining: left)
                if emit(.body(piece)) == .stop { return i }
            case .chunkDataCR:
                // RFC 9112 §7.1: chunk-data is followed by exactly CRLF.
                guard bytes[i] == cr else { throw .invalidChunkFraming }
                i += 1
                state = .chunkDataLF
            case .chunkDataLF:
                guard bytes[i] == lf else { throw .invalidChunkFraming }
                i += 1
                state = .chunkSize
            case .chunkSize:
                guard let lfIndex = indexOfLF(bytes, from: i) else {
                    lineBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<n]))
                    if lineBuffer.count > limits.maxChunkLineBytes { throw .invalidChunkSize }
                    return n
                }
                let size = try takeLine(bytes, i..<lfIndex, limit: limits.maxChunkLineBytes, tooLong: .invalidChunkSize) {
                    line throws(HTTPResponseParseError) in
                    guard let size = HTTPFieldSyntax.parseChunkSizeLine(line) else { throw .invalidChunkSize }
                    return size
                }
                i = lfIndex + 1
                if size == 0 {
                    trailerBytes = 0
                    state = .trailers
                } else {
                    state = .chunkData(remaining: size)
                }
            case .trailers:
                guard let lfIndex = indexOfLF(bytes, from: i) else {
                    lineBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<n]))
                    if trailerBytes + lineBuffer.count > limits.maxHeadBytes { throw .headTooLarge }
                    return n
                }
                let budget = limits.maxHeadBytes - trailerBytes
                let length = try takeLine(bytes, i..<lfIndex, limit: budget, tooLong: .headTooLarge) {
                    line throws(HTTPResponseParseError) in
                    // RFC 9112 §7.1.2: trailer fields are checked like header fields, then dropped
                    // (the proxy re-frames the body, and no client needs them).
                    if !line.isEmpty { try Self.checkField(line) }
                    return line.count
                }
                trailerBytes += length + 2
                i = lfIndex + 1
                if length == 0 { state = .endPending }
            case .endPending, .failed:
                return i  // unreachable: handled above and in `parse`
            }
        }
    }

    // MARK: head

    private mutating func appendHead(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPResponseParseError) {
        headBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        if headBuffer.count + interimBytes > limits.maxHeadBytes { throw .headTooLarge }
    }

    /// The line just completed in `headBuffer` (ending in LF): records it, or parses the head when
    /// it is the empty line that ends it.
    private mutating func completeHeadLine() throws(HTTPResponseParseError) -> HTTPResponseHead? {
        let end = headBuffer.count - 1  // the LF
        guard end > lineStart, headBuffer[end - 1] == cr else { throw .invalidLineEnding }
        let line = lineStart..<(end - 1)
        lineStart = headBuffer.count
        guard line.isEmpty else {
            lines.append(line)
            if lines.count - 1 > limits.maxHeaderCount { throw .tooManyHeaders }
            return nil
        }
        // RFC 9112 §2.2's leniency for empty lines applies to requests only.
        guard !lines.isEmpty else { throw .invalidStatusLine }
        let head = try headBuffer.withUnsafeBufferPointer { buffer throws(HTTPResponseParseError) in
            try parseHead(buffer)
        }
        resetHead()
        return head
    }

    private func parseHead(_ buffer: UnsafeBufferPointer<UInt8>) throws(HTTPResponseParseError) -> HTTPResponseHead {
        let (version, status, reason) = try Self.parseStatusLine(UnsafeBufferPointer(rebasing: buffer[lines[0]]))
        // The field lines are copied once into the head's `HTTPHeaders` (no String per field).
        let headers = try HTTPHeaders(parsing: lines.dropFirst(), in: buffer, check: Self.checkField)
        return try HTTPResponseFramingRules.makeHead(
            version: version, status: status, reason: reason, headers: headers, toHead: requestWasHead)
    }

    /// RFC 9112 §4: `status-line = HTTP-version SP status-code SP [ reason-phrase ]`; a missing
    /// final SP (`HTTP/1.1 204`) is accepted, as every client does.
    private static func parseStatusLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPResponseParseError) -> (HTTPVersion, Int, String) {
        guard line.count >= 12, line[8] == sp else { throw .invalidStatusLine }
        // "HTTP/" without building an array per response.
        guard line[0] == 0x48, line[1] == 0x54, line[2] == 0x54, line[3] == 0x50, line[4] == 0x2F else {
            throw .invalidStatusLine
        }
        guard HTTPChars.isDigit(line[5]), line[6] == 0x2E, HTTPChars.isDigit(line[7]) else { throw .invalidStatusLine }
        let version: HTTPVersion
        switch (line[5], line[7]) {
        case (0x31, 0x31): version = .http11
        case (0x31, 0x30): version = .http10
        default: throw .unsupportedVersion
        }
        var status = 0
        for k in 9..<12 {
            guard HTTPChars.isDigit(line[k]) else { throw .invalidStatusLine }
            status = status * 10 + Int(line[k] - 0x30)
        }
        guard (100...599).contains(status) else { throw .invalidStatus }
        guard line.count > 12 else { return (version, status, "") }
        guard line[12] == sp else { throw .invalidStatusLine }
        let reason = UnsafeBufferPointer(rebasing: line[13...])
        for byte in reason where !HTTPChars.isFieldValueByte(byte) { throw .invalidHeaderValue }
        return (version, status, String(decoding: reason, as: UTF8.self))
    }

    @discardableResult
    private static func checkField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPResponseParseError) -> HTTPFieldSyntax.FieldLine {
        switch HTTPFieldSyntax.parseFieldLine(line) {
        case .success(let field): return field
        case .failure(.obsoleteLineFolding): throw .obsoleteLineFolding
        case .failure(.invalidName): throw .invalidHeaderName
        case .failure(.whitespaceBeforeColon): throw .whitespaceBeforeColon
        case .failure(.invalidValue): throw .invalidHeaderValue
        }
    }

    private mutating func resetHead() {
        headBuffer.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        lineStart = 0
    }

    // MARK: lines after the head

    /// Hands `body` the line ending at the LF after `range` (CR and LF excluded), joined with what
    /// `lineBuffer` holds from earlier reads; straight from the caller's bytes when it is all there.
    private mutating func takeLine<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int, tooLong: HTTPResponseParseError,
        _ body: (UnsafeBufferPointer<UInt8>) throws(HTTPResponseParseError) -> R
    ) throws(HTTPResponseParseError) -> R {
        // The limit counts the CR, as the request parser's chunk-line limit does.
        guard lineBuffer.count + range.count <= limit else { throw tooLong }
        if lineBuffer.isEmpty {
            guard let last = range.last, bytes[last] == cr else { throw Self.lineEndingError(tooLong) }
            return try body(UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<(range.upperBound - 1)]))
        }
        lineBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        defer { lineBuffer.removeAll(keepingCapacity: true) }
        guard lineBuffer.last == cr else { throw Self.lineEndingError(tooLong) }
        return try lineBuffer.withUnsafeBufferPointer { all throws(HTTPResponseParseError) in
            try body(UnsafeBufferPointer(rebasing: all[0..<(all.count - 1)]))
        }
    }

    /// A bare LF ends a chunk-size line: a chunk-size error there, a line-ending error in trailers.
    private static func lineEndingError(_ context: HTTPResponseParseError) -> HTTPResponseParseError {
        context == .invalidChunkSize ? .invalidChunkSize : .invalidLineEnding
    }

    /// `memchr` from `start`: the scan runs over every head byte.
    private func indexOfLF(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count,
            let found = memchr(base + start, Int32(lf), bytes.count - start)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

private let cr: UInt8 = 0x0D
private let lf: UInt8 = 0x0A
private let sp: UInt8 = 0x20
