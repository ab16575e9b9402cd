@testable import PilotoRuntime

/// What a parse produced, with body pieces joined so any split compares equal.
enum ParseOutcome: Equatable {
    case events([HTTPParserEvent])
    case error(HTTPParseError, after: [HTTPParserEvent])
}

enum ParserHarness {
    static let limits = HTTPParserLimits(maxHeadBytes: 1024, maxHeaderCount: 10, maxBodyBytes: 100)

    /// Feeds `bytes` in the given pieces, pulling events after each.
    static func parse(_ pieces: [ArraySlice<UInt8>], limits: HTTPParserLimits = limits) -> ParseOutcome {
        var parser = HTTPRequestParser(limits: limits)
        var events: [HTTPParserEvent] = []
        func push(_ event: HTTPParserEvent) {
            if case .body(let more) = event, case .body(let previous)? = events.last {
                events[events.count - 1] = .body(previous + more)
            } else {
                events.append(event)
            }
        }
        for piece in pieces {
            parser.append(piece)
            do {
                while let event = try parser.next() { push(event) }
            } catch {
                return .error(error, after: events)
            }
        }
        return .events(events)
    }

    static func whole(_ text: String, limits: HTTPParserLimits = limits) -> ParseOutcome {
        parse([Array(text.utf8)[...]], limits: limits)
    }

    /// Every way of feeding the bytes that must agree: whole, one byte at a time, and split in two
    /// at every index.
    static func allSplits(_ text: String, limits: HTTPParserLimits = limits) -> [(String, ParseOutcome)] {
        let bytes = Array(text.utf8)
        var out: [(String, ParseOutcome)] = [("whole", parse([bytes[...]], limits: limits))]
        out.append(("byte-at-a-time", parse(bytes.indices.map { bytes[$0...$0] }, limits: limits)))
        for i in 0...bytes.count {
            out.append(("split@\(i)", parse([bytes[..<i], bytes[i...]], limits: limits)))
        }
        return out
    }
}
