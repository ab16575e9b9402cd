/// The `data` of a publish: raw JSON from an envelope, or a plain text frame as sent.
package enum PublishData: Sendable, Equatable {
    case text(String)
    /// A validated JSON value, byte for byte as the client wrote it (re-embedded, not re-encoded).
    case json(String)
}

/// One client text frame on a channel socket, classified.
///
/// `{"type":"publish","id":"…","data":…}` is an envelope (the `id` makes a resend idempotent);
/// anything else — plain text, other JSON, a malformed envelope — is a plain message, exactly as
/// before the protocol had envelopes, so old clients keep working. Only an object whose `type`
/// is `"publish"` and which has a `data` member counts; `id` is optional (no ack without it).
package struct PublishRequest: Sendable, Equatable {
    package var id: String?
    package var data: PublishData

    package init(id: String?, data: PublishData) {
        self.id = id
        self.data = data
    }

    /// Ids longer than this are not ids (they would sit in the dedupe window): plain message.
    package static let maxIDBytes = 128

    package static func parse(_ text: String) -> PublishRequest {
        let plain = PublishRequest(id: nil, data: .text(text))
        let bytes = Array(text.utf8)
        var scanner = JSONScanner(bytes)
        guard let members = scanner.topLevelObject() else { return plain }
        var type: String?
        var id: String?
        var data: String?
        for member in members {
            switch member.key {
            case "type": type = member.stringValue
            case "id":
                guard let value = member.stringValue else { return plain }
                id = value
            case "data": data = String(decoding: bytes[member.valueRange], as: UTF8.self)
            default: continue
            }
        }
        guard type == "publish", let data else { return plain }
        if let id, id.isEmpty || id.utf8.count > maxIDBytes { return plain }
        return PublishRequest(id: id, data: .json(data))
    }
}

/// Just enough JSON to find the members of one object and where each value's text is: values
/// are checked for well-formedness and skipped, never built (the data is forwarded verbatim).
struct JSONScanner {
    struct Member {
        var key: String
        var valueRange: Range<Int>
        var stringValue: String?
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0
    static let maxDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The members of a top-level object with nothing but whitespace around it, or nil.
    mutating func topLevelObject() -> [Member]? {
        skipSpace()
        guard peek == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [Member] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                let start = i
                let isString = peek == UInt8(ascii: "\"")
                var text: String?
                if isString {
                    guard let s = string() else { return nil }
                    text = s
                } else {
                    guard value() else { return nil }
                }
                members.append(Member(key: key, valueRange: start..<i, stringValue: text))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "}") else { return nil }
                i += 1
                break
            }
        }
        skipSpace()
        return i == bytes.count ? members : nil
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
    }

    /// A JSON string, unescaped (the input is already valid UTF-8: it came from a text frame).
    private mutating func string() -> String? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        while let c = peek {
            i += 1
            switch c {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = peek else { return nil }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let unit = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
                    else { return nil }
                    i += 4
                    // Lone surrogates become U+FFFD: the text only names an id or a type.
                    let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
                    out += Array(String(Character(scalar)).utf8)
                default: return nil
                }
            case 0x00..<0x20: return nil
            default: out.append(c)
            }
        }
        return nil
    }

    /// Skips one well-formed value.
    private mutating func value() -> Bool {
        skipSpace()
        guard let c = peek else { return false }
        switch c {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return false }
            let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipSpace()
            if peek == close { i += 1; return true }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    guard string() != nil else { return false }
                    skipSpace()
                    guard peek == UInt8(ascii: ":") else { return false }
                    i += 1
                }
                guard value() else { return false }
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == close else { return false }
                i += 1
                return true
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    /// RFC 8259 number: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
    private mutating func number() -> Bool {
        func digits() -> Int {
            let start = i
            while let c = peek, (0x30...0x39).contains(c) { i += 1 }
            return i - start
        }
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return true
    }
}
