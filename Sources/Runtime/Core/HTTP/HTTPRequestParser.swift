import Glibc

/// An incremental HTTP/1.1 request parser (RFC 9112): bytes are pushed in with `append`, events
/// are pulled out with `next()`. It never touches a socket and never crashes on any input.
///
/// Bytes can arrive split anywhere; no work is repeated (the head scan resumes where it stopped).
/// Pulling rather than returning arrays keeps the hot path allocation-free and lets the connection
/// stop taking requests while its responses are still being written (back-pressure), leaving the
/// bytes here. An error is sticky: once framing is lost the connection must close.
package struct HTTPRequestParser: Sendable {
    private enum State: Sendable, Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case endPending
        case failed(HTTPParseError)
    }

    package let limits: HTTPParserLimits
    private var state: State = .head
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the head (or trailer) scan resumes, so split input is not rescanned.
    private var scanIndex = 0
    /// Start of the line being scanned.
    private var lineStart = 0
    /// Line ranges of the current head (request line first), CR/LF excluded.
    private var lines: [Range<Int>] = []
    private var bodyReceived = 0
    private var trailerBytes = 0

    package init(limits: HTTPParserLimits = .standard) {
        self.limits = limits
    }

    /// Pushes received bytes.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Pushes received bytes.
    package mutating func append(_ bytes: some Sequence<UInt8>) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received but not yet consumed (e.g. the start of a pipelined request).
    package var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between messages with nothing buffered: the connection is idle, not mid-request.
    package var isIdle: Bool { state == .head && bufferedByteCount == 0 }

    /// True while a request head is being received (for the header timeout).
    package var isReadingHead: Bool { state == .head && bufferedByteCount > 0 }

    /// Hands over every unconsumed byte and empties the buffer: used on a protocol upgrade, so bytes
    /// the client sent after the request are passed on, not lost.
    package mutating func takeRemainingBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer.removeAll(keepingCapacity: true)
        readIndex = 0
        scanIndex = 0
        lineStart = 0
        return rest
    }

    /// The next event from the bytes so far, nil when more bytes are needed.
    package mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        switch state {
        case .failed(let error):
            throw error
        case .endPending:
            state = .head
            return .end
        default:
            break
        }
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> HTTPParserEvent? {
        switch state {
        case .head:
            guard let head = try scanHead() else { return nil }
            bodyReceived = 0
            switch head.framing {
            case .none, .length(0): state = .endPending
            case .length(let n): state = .fixedBody(remaining: n)
            case .chunked: state = .chunkSize
            }
            return .head(head)
        case .fixedBody(let remaining):
            guard let piece = takeBody(upTo: remaining) else { return nil }
            state = piece.count == remaining ? .endPending : .fixedBody(remaining: remaining - piece.count)
            return .body(piece)
        case .chunkSize:
            guard let size = try scanChunkSize() else { return nil }
            if size == 0 {
                state = .trailers
                trailerBytes = 0
                lineStart = readIndex
                scanIndex = readIndex
                return try step()
            }
            guard size <= limits.maxBodyBytes - bodyReceived else { throw .bodyTooLarge }
            state = .chunkData(remaining: size)
            return try step()
        case .chunkData(let remaining):
            guard let piece = takeBody(upTo: remaining) else { return nil }
            bodyReceived += piece.count
            state = piece.count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - piece.count)
            return .body(piece)
        case .chunkDataEnd:
            // RFC 9112 §7.1: chunk-data is followed by exactly CRLF.
            guard buffer.count - readIndex >= 2 else {
                if buffer.count - readIndex == 1 && buffer[readIndex] != cr { throw .invalidChunkFraming }
                return nil
            }
            guard buffer[readIndex] == cr && buffer[readIndex + 1] == lf else { throw .invalidChunkFraming }
            readIndex += 2
            state = .chunkSize
            return try step()
        case .trailers:
            guard try scanTrailers() else { return nil }
            state = .head
            return .end
        case .endPending, .failed:
            return nil
        }
    }

    /// Up to `remaining` body bytes from the buffer (fixed-length body or chunk data alike); nil
    /// when none have arrived yet.
    private mutating func takeBody(upTo remaining: Int) -> [UInt8]? {
        let available = buffer.count - readIndex
        guard available > 0 else { return nil }
        let take = min(available, remaining)
        let piece = Array(buffer[readIndex..<readIndex + take])
        readIndex += take
        return piece
    }

    // MARK: head

    /// Scans lines until the empty line that ends the head; parses it once complete.
    private mutating func scanHead() throws(HTTPParseError) -> HTTPRequestHead? {
        if lines.isEmpty && scanIndex < readIndex { scanIndex = readIndex; lineStart = readIndex }
        while true {
            guard let lfIndex = indexOfLF(from: scanIndex) else {
                scanIndex = buffer.count
                try checkHeadSize(upTo: buffer.count)
                return nil
            }
            // RFC 9112 §2.2: lines end with CRLF; a bare LF is rejected (we do not take the MAY).
            guard lfIndex > lineStart, buffer[lfIndex - 1] == cr else { throw .invalidLineEnding }
            let line = lineStart..<(lfIndex - 1)
            scanIndex = lfIndex + 1
            lineStart = lfIndex + 1
            if line.isEmpty {
                if lines.isEmpty {
                    // RFC 9112 §2.2: ignore empty lines received before the request line.
                    readIndex = lfIndex + 1
                    continue
                }
                let head = try parseHead()
                readIndex = lfIndex + 1
                lines.removeAll(keepingCapacity: true)
                return head
            }
            try checkHeadSize(upTo: lfIndex + 1)
            lines.append(line)
            // Request line plus fields: more than max_header_count fields → 431.
            if lines.count - 1 > limits.maxHeaderCount { throw .tooManyHeaders }
        }
    }

    private func checkHeadSize(upTo end: Int) throws(HTTPParseError) {
        guard end - readIndex > limits.maxHeadBytes else { return }
        // RFC 9112 §3: a request line longer than the server accepts → 414.
        throw lines.isEmpty ? .requestLineTooLong : .headersTooLarge
    }

    /// `memchr` over the unscanned bytes: the line scan runs for every byte of every request head.
    private func indexOfLF(from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress, let found = memchr(base + start, Int32(lf), bytes.count - start) else {
                return nil
            }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The field lines are copied once into the head's `HTTPHeaders` (no String per field).
    private func parseHead() throws(HTTPParseError) -> HTTPRequestHead {
        let (method, target, version) = try parseRequestLine(lines[0])
        let headers = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
            try HTTPHeaders(parsing: lines.dropFirst(), in: bytes, check: Self.parseField)
        }
        return try HTTPFraming.makeHead(
            method: method, target: target, version: version, headers: headers, limits: limits)
    }

    /// RFC 9112 §3: `request-line = method SP request-target SP HTTP-version`, single spaces.
    private func parseRequestLine(_ line: Range<Int>) throws(HTTPParseError) -> (String, String, HTTPVersion) {
        guard let sp1 = firstIndex(of: sp, in: line) else { throw .invalidRequestLine }
        guard let sp2 = firstIndex(of: sp, in: (sp1 + 1)..<line.upperBound) else { throw .invalidRequestLine }
        let methodRange = line.lowerBound..<sp1
        let targetRange = (sp1 + 1)..<sp2
        let versionRange = (sp2 + 1)..<line.upperBound
        guard !methodRange.isEmpty, methodRange.allSatisfy({ HTTPChars.isToken(buffer[$0]) }) else {
            throw .invalidMethod
        }
        guard !targetRange.isEmpty else { throw .invalidRequestLine }
        // RFC 9112 §3.2: the target is visible ASCII; no spaces, controls or obs-text.
        guard targetRange.allSatisfy({ buffer[$0] > 0x20 && buffer[$0] < 0x7F }) else { throw .invalidTarget }
        let version = try parseVersion(versionRange)
        return (string(methodRange), string(targetRange), version)
    }

    /// RFC 9112 §2.3: `HTTP-version = "HTTP/" DIGIT "." DIGIT`.
    private func parseVersion(_ range: Range<Int>) throws(HTTPParseError) -> HTTPVersion {
        guard range.count == 8 else { throw .invalidVersion }
        let b = range.lowerBound
        // "HTTP/" byte by byte: an array of the prefix was one allocation per request.
        guard buffer[b] == 0x48, buffer[b + 1] == 0x54, buffer[b + 2] == 0x54, buffer[b + 3] == 0x50, buffer[b + 4] == 0x2F
        else { throw .invalidVersion }
        let major = buffer[b + 5], dot = buffer[b + 6], minor = buffer[b + 7]
        guard HTTPChars.isDigit(major), dot == 0x2E, HTTPChars.isDigit(minor) else { throw .invalidVersion }
        switch (major, minor) {
        case (0x31, 0x31): return .http11
        case (0x31, 0x30): return .http10
        default: throw .unsupportedVersion
        }
    }

    /// RFC 9112 §5 field line, by the rules shared with the response parser.
    private static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPFieldSyntax.FieldLine {
        switch HTTPFieldSyntax.parseFieldLine(line) {
        case .success(let field): return field
        case .failure(.obsoleteLineFolding): throw .obsoleteLineFolding
        case .failure(.invalidName): throw .invalidHeaderName
        case .failure(.whitespaceBeforeColon): throw .whitespaceBeforeColon
        case .failure(.invalidValue): throw .invalidHeaderValue
        }
    }

    // MARK: chunked body

    /// RFC 9112 §7.1: `chunk-size [ chunk-ext ] CRLF` (syntax shared with the response parser).
    private mutating func scanChunkSize() throws(HTTPParseError) -> Int? {
        guard let lfIndex = indexOfLF(from: readIndex) else {
            if buffer.count - readIndex > limits.maxChunkLineBytes { throw .invalidChunkSize }
            return nil
        }
        guard lfIndex - readIndex <= limits.maxChunkLineBytes else { throw .invalidChunkSize }
        guard lfIndex > readIndex, buffer[lfIndex - 1] == cr else { throw .invalidChunkSize }
        let line = readIndex..<(lfIndex - 1)
        let parsed = buffer.withUnsafeBufferPointer { HTTPFieldSyntax.parseChunkSizeLine(UnsafeBufferPointer(rebasing: $0[line])) }
        guard let size = parsed else { throw .invalidChunkSize }
        readIndex = lfIndex + 1
        return size
    }

    /// RFC 9112 §7.1.2: trailer fields are read (bounded) and discarded.
    private mutating func scanTrailers() throws(HTTPParseError) -> Bool {
        while true {
            guard let lfIndex = indexOfLF(from: scanIndex) else {
                scanIndex = buffer.count
                if buffer.count - readIndex > limits.maxHeadBytes { throw .headersTooLarge }
                return false
            }
            guard lfIndex > lineStart, buffer[lfIndex - 1] == cr else { throw .invalidLineEnding }
            let isEmpty = lfIndex - 1 == lineStart
            if !isEmpty {
                let first = buffer[lineStart]
                if first == sp || first == htab { throw .obsoleteLineFolding }
                for i in lineStart..<(lfIndex - 1) where !HTTPChars.isFieldValueByte(buffer[i]) {
                    throw .invalidHeaderValue
                }
            }
            trailerBytes += lfIndex + 1 - lineStart
            if trailerBytes > limits.maxHeadBytes { throw .headersTooLarge }
            scanIndex = lfIndex + 1
            lineStart = lfIndex + 1
            readIndex = lfIndex + 1
            if isEmpty { return true }
        }
    }

    // MARK: helpers

    /// Drops consumed bytes: at once when everything was consumed, else once 4 KiB are dead, so a
    /// long pipelined stream neither grows the buffer nor memmoves on every read. All stored indices
    /// shift with it, so this is safe in every state.
    private mutating func compactIfUseful() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            // A pipelining burst may have grown the buffer; do not keep that per idle connection.
            if buffer.capacity > 64 * 1024 { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
        } else if readIndex >= 4096 {
            buffer.removeSubrange(0..<readIndex)
        } else {
            return
        }
        let shift = readIndex
        scanIndex = max(0, scanIndex - shift)
        lineStart = max(0, lineStart - shift)
        if !lines.isEmpty {
            for i in lines.indices { lines[i] = (lines[i].lowerBound - shift)..<(lines[i].upperBound - shift) }
        }
        readIndex = 0
    }

    private func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if buffer[i] == byte { return i }
            i += 1
        }
        return nil
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: buffer[range], as: UTF8.self)
    }
}

private let cr: UInt8 = 0x0D
private let lf: UInt8 = 0x0A
private let sp: UInt8 = 0x20
private let htab: UInt8 = 0x09
