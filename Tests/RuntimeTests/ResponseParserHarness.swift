@testable import PilotoRuntime

/// One event as a test sees it: body pieces copied (the parser's views die with the callback).
enum ResponseRecord: Equatable {
    case head(HTTPResponseHead)
    case body([UInt8])
    case end
}

/// What feeding a byte stream produced, with body pieces joined so any split compares equal.
struct ResponseOutcome: Equatable {
    var events: [ResponseRecord] = []
    var error: HTTPResponseParseError?
    /// Bytes left after a 101 head (the tunnel's).
    var tunnel: [UInt8] = []

    var heads: [HTTPResponseHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }

    var body: [UInt8] {
        events.reduce(into: []) { if case .body(let bytes) = $1 { $0 += bytes } }
    }
}

/// Feeds the upstream response parser the way a connection does (ParserHarness style): pieces in
/// any split, `expectResponse` before each response (`.stop` on every `.end`), `finish()` when the
/// stream is over (the upstream closed).
enum ResponseParserHarness {
    static let limits = HTTPResponseParserLimits(maxHeadBytes: 1024, maxHeaderCount: 10, maxChunkLineBytes: 64)

    /// `toHead`: one flag per response, in order (missing ones are false). `stopAlways`: answer
    /// `.stop` to every event and feed the rest again, which must not change the outcome.
    static func parse(
        _ pieces: [ArraySlice<UInt8>], toHead: [Bool] = [], limits: HTTPResponseParserLimits = limits,
        stopAlways: Bool = false, finish: Bool = true
    ) -> ResponseOutcome {
        var parser = HTTPResponseParser(limits: limits)
        var outcome = ResponseOutcome()
        var responses = 0
        parser.expectResponse(toHead: toHead.first ?? false)
        var upgraded = false
        var needsExpect = false
        func record(_ event: HTTPResponseEvent) -> ParseControl {
            switch event {
            case .head(let head):
                outcome.events.append(.head(head))
                if head.status == 101 { upgraded = true }
            case .body(let view):
                let bytes = Array(view)
                if case .body(let previous)? = outcome.events.last {
                    outcome.events[outcome.events.count - 1] = .body(previous + bytes)
                } else {
                    outcome.events.append(.body(bytes))
                }
            case .end:
                outcome.events.append(.end)
                return .stop
            }
            return stopAlways ? .stop : .proceed
        }
        for piece in pieces {
            var rest = Array(piece)
            while true {
                if upgraded {
                    outcome.tunnel += rest
                    break
                }
                // Like a connection: the next request (and `expectResponse`) only when more bytes come.
                if needsExpect && !rest.isEmpty {
                    needsExpect = false
                    parser.expectResponse(toHead: responses < toHead.count ? toHead[responses] : false)
                }
                let before = outcome.events.count
                let consumed: Int
                do {
                    consumed = try parser.feed(rest, emit: record)
                } catch {
                    outcome.error = error
                    return outcome
                }
                rest.removeFirst(consumed)
                if outcome.events.last == .end && outcome.events.count > before {
                    responses += 1
                    needsExpect = true
                }
                if outcome.events.count == before && (rest.isEmpty || consumed == 0) { break }
            }
        }
        if finish && !upgraded {
            do throws(HTTPResponseParseError) {
                if try parser.finish() { outcome.events.append(.end) }
            } catch {
                outcome.error = error
            }
        }
        return outcome
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Every way of feeding the bytes that must agree: whole, one byte at a time, split in two at
    /// every index, a few random splits, and the `.stop`-after-every-event mode.
    static func allSplits(
        _ text: String, toHead: [Bool] = [], limits: HTTPResponseParserLimits = limits, seed: UInt64 = 1
    ) -> [(String, ResponseOutcome)] {
        let all = bytes(text)
        var out: [(String, ResponseOutcome)] = [("whole", parse([all[...]], toHead: toHead, limits: limits))]
        out.append(("byte-at-a-time", parse(all.indices.map { all[$0...$0] }, toHead: toHead, limits: limits)))
        out.append(("whole+stop", parse([all[...]], toHead: toHead, limits: limits, stopAlways: true)))
        out.append(
            ("byte-at-a-time+stop", parse(all.indices.map { all[$0...$0] }, toHead: toHead, limits: limits, stopAlways: true)))
        for i in 0...all.count {
            out.append(("split@\(i)", parse([all[..<i], all[i...]], toHead: toHead, limits: limits)))
        }
        var generator = SplitMix64(state: seed)
        for round in 0..<8 {
            let pieces = randomPieces(all, using: &generator)
            out.append(("random#\(round)", parse(pieces, toHead: toHead, limits: limits, stopAlways: round % 2 == 1)))
        }
        return out
    }

    /// Splits `bytes` into pieces of 1 to 17 bytes (empty pieces too, which must be harmless).
    static func randomPieces(_ bytes: [UInt8], using generator: inout SplitMix64) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            let length = Int.random(in: 0...17, using: &generator)
            let end = min(bytes.count, i + length)
            pieces.append(bytes[i..<end])
            i = end
        }
        return pieces
    }
}

extension HTTPResponseParser {
    /// `parse` over an array. Why not `withUnsafeBytes { raw throws(E) in … }` in each test:
    /// swiftc 6.3.1 crashes in IRGen on a typed-throws closure passed to that untyped-rethrows API.
    mutating func feed(_ bytes: [UInt8], emit: (HTTPResponseEvent) -> ParseControl) throws(HTTPResponseParseError) -> Int {
        try feed(bytes) { _, event in emit(event) }
    }

    /// `parse` over an array; `emit` also gets the whole buffer (to check body views point into it).
    mutating func feed(
        _ bytes: [UInt8], emit: (UnsafeRawBufferPointer, HTTPResponseEvent) -> ParseControl
    ) throws(HTTPResponseParseError) -> Int {
        var result: Result<Int, HTTPResponseParseError> = .success(0)
        bytes.withUnsafeBytes { raw in
            do throws(HTTPResponseParseError) {
                result = .success(try parse(raw) { emit(raw, $0) })
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }
}
