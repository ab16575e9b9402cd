/// A strict RFC 8259 parser over a whole buffer: any bytes in, a `JSONValue` or a typed error out,
/// never a crash.
///
/// Strict means: one value and nothing after it but whitespace; no comments, trailing commas,
/// single quotes, leading zeros, `NaN` or byte-order mark; strings must be valid UTF-8 (no
/// overlong forms, no encoded surrogates) without raw control characters; `\u` surrogates must
/// come in high-low pairs. Nesting is capped (`maximumDepth`), so recursion stays shallow whatever
/// arrives. Object members keep their order and duplicates (`JSONValue.subscript` picks the last).
/// Numbers keep their text (`JSONNumber`); callers decide what range they accept.
package struct JSONParser {
    /// Deeper than any document piloto reads; JSONTestSuite's 100 000 `[` are rejected here.
    package static let defaultMaximumDepth = 64

    /// Parses `bytes` as exactly one JSON text.
    package static func parse(
        _ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw JSONParseError(.trailingData, at: parser.index) }
        return value
    }

    package static func parse(_ text: String, maximumDepth: Int = defaultMaximumDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func fail(_ reason: JSONParseError.Reason? = nil) -> JSONParseError {
        if let reason { return JSONParseError(reason, at: index) }
        return index < bytes.count ? JSONParseError(.unexpectedByte(bytes[index]), at: index) : JSONParseError(.unexpectedEnd, at: index)
    }

    private mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail()
        }
    }

    private mutating func literal(_ word: StaticString, _ result: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count {
            guard index < bytes.count, bytes[index] == expected[offset] else { throw fail() }
            index += 1
        }
        return result
    }

    private mutating func number() throws(JSONParseError) -> JSONNumber {
        let start = index
        guard let length = JSONNumber.scanLength(bytes[start...]) else { throw JSONParseError(.invalidNumber, at: start) }
        index += length
        // `01`, `1.`, `-`, `2.e3`: the grammar stopped on a byte that cannot follow a number.
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || (bytes[index] >= 0x30 && bytes[index] <= 0x39) {
            throw JSONParseError(.invalidNumber, at: start)
        }
        return JSONNumber.scanned(bytes[start..<index])
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        var items: [JSONValue] = []
        try members(depth: depth, close: UInt8(ascii: "]")) { (parser) throws(JSONParseError) in
            items.append(try parser.value(depth: depth))
        }
        return .array(items)
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        try members(depth: depth, close: UInt8(ascii: "}")) { (parser) throws(JSONParseError) in
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.fail() }
            let key = try parser.string()
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else { throw parser.fail() }
            parser.index += 1
            parser.skipWhitespace()
            pairs.append((key, try parser.value(depth: depth)))
        }
        return .object(pairs)
    }

    /// The comma-separated members of an array or object, from its opening byte through `close`:
    /// `member` reads one (whitespace before it already skipped). Arrays and objects differ only there.
    private mutating func members(
        depth: Int, close: UInt8, _ member: (inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        guard depth <= maximumDepth else { throw fail(.tooDeep) }
        index += 1  // [ or {
        skipWhitespace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try member(&self)
            skipWhitespace()
            guard index < bytes.count else { throw fail() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case close:
                index += 1
                return
            default: throw fail()
            }
        }
    }

    /// A string from its opening quote: runs of raw bytes are validated as UTF-8 as a whole,
    /// escapes are decoded between them.
    private mutating func string() throws(JSONParseError) -> String {
        index += 1  // "
        var result = ""
        var runStart = index
        func flush(_ parser: JSONParser, upTo end: Int) throws(JSONParseError) {
            guard runStart < end else { return }
            guard let text = String(validating: parser.bytes[runStart..<end], as: UTF8.self) else {
                throw JSONParseError(.invalidUTF8, at: JSONParser.firstInvalidUTF8(parser.bytes[runStart..<end]))
            }
            result += text
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                try flush(self, upTo: index)
                index += 1
                return result
            case UInt8(ascii: "\\"):
                try flush(self, upTo: index)
                result.unicodeScalars.append(try escape())
                runStart = index
            case 0x00..<0x20:
                throw fail(.controlCharacterInString)
            default:
                index += 1
            }
        }
        throw fail(.unexpectedEnd)
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence (error path only).
    private static func firstInvalidUTF8(_ run: ArraySlice<UInt8>) -> Int {
        var offset = run.startIndex
        var iterator = run.makeIterator()
        var decoder = Unicode.UTF8.ForwardParser()
        while true {
            switch decoder.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput, .error: return offset
            }
        }
    }

    /// One escape from its backslash; `\uD83D\uDE00` pairs become one scalar.
    private mutating func escape() throws(JSONParseError) -> Unicode.Scalar {
        let start = index
        index += 1  // backslash
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hex4(escapeStart: start)
            switch unit {
            case 0xD800...0xDBFF:
                let lowStart = index
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(.unpairedSurrogate, at: start)
                }
                index += 2
                let low = try hex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.unpairedSurrogate, at: start) }
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(code) else { throw JSONParseError(.unpairedSurrogate, at: start) }
                return scalar
            case 0xDC00...0xDFFF:
                throw JSONParseError(.unpairedSurrogate, at: start)
            default:
                guard let scalar = Unicode.Scalar(unit) else { throw JSONParseError(.invalidEscape, at: start) }
                return scalar
            }
        default:
            throw JSONParseError(.invalidEscape, at: start)
        }
    }

    private mutating func hex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(.invalidEscape, at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

/// Why bytes are not JSON, and the byte offset where that became clear.
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Reason: Sendable, Equatable {
        /// The input ended inside a value (or was empty).
        case unexpectedEnd
        /// A byte that cannot start or continue anything here.
        case unexpectedByte(UInt8)
        /// Not RFC 8259 §6 number grammar (`01`, `1.`, `-`, `.5`).
        case invalidNumber
        /// A string's raw bytes are not valid UTF-8.
        case invalidUTF8
        /// U+0000…U+001F must be escaped inside strings.
        case controlCharacterInString
        /// An unknown `\x` escape or a `\u` without four hex digits.
        case invalidEscape
        /// A `\uD800`…`\uDFFF` escape without its partner.
        case unpairedSurrogate
        /// More nested arrays and objects than the parser's limit.
        case tooDeep
        /// Something other than whitespace after the value.
        case trailingData
    }

    package var reason: Reason
    package var offset: Int

    package init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    package var description: String {
        let what: String = switch reason {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let b): b >= 0x20 && b < 0x7F ? "unexpected '\(Character(Unicode.Scalar(b)))'" : "unexpected byte 0x\(String(b, radix: 16))"
        case .invalidNumber: "invalid number"
        case .invalidUTF8: "invalid UTF-8 in string"
        case .controlCharacterInString: "unescaped control character in string"
        case .invalidEscape: "invalid escape"
        case .unpairedSurrogate: "unpaired UTF-16 surrogate escape"
        case .tooDeep: "nesting too deep"
        case .trailingData: "data after the JSON value"
        }
        return "\(what) at byte \(offset)"
    }
}
