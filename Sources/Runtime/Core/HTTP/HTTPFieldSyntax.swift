/// Line-level syntax shared by the request parser and the upstream response parser (RFC 9112 §5,
/// §7.1, RFC 9110 §8.6), so both sides of the proxy apply exactly the same rules: a smuggling shape
/// one parser rejects is never accepted by the other.
///
/// Every function takes one line without its CRLF and reports a small error of its own; each
/// parser maps it to its typed error.
enum HTTPFieldSyntax {
    enum FieldLineError: Error {
        case obsoleteLineFolding
        case invalidName
        case whitespaceBeforeColon
        case invalidValue
    }

    /// A checked field line's name and value (OWS trimmed), as views into the line.
    /// `valueIsASCII`: no obs-text byte in the value, so its bytes are already valid UTF-8.
    struct FieldLine {
        let name: UnsafeBufferPointer<UInt8>
        let value: UnsafeBufferPointer<UInt8>
        let valueIsASCII: Bool
    }

    /// RFC 9112 §5: `field-line = field-name ":" OWS field-value OWS`; obs-fold (a line starting
    /// with SP/HTAB, §5.2), whitespace before the colon (§5.1) and control bytes in the value
    /// (RFC 9110 §5.5) are errors.
    static func parseFieldLine(_ line: UnsafeBufferPointer<UInt8>) -> Result<FieldLine, FieldLineError> {
        guard let first = line.first else { return .failure(.invalidName) }
        if first == sp || first == htab { return .failure(.obsoleteLineFolding) }
        // One scan over the name: token bytes up to the colon (every valid line); anything else
        // takes the slow path, which picks the error in the order the rules are listed.
        var colon = 0
        while colon < line.count && HTTPChars.isToken(line[colon]) { colon += 1 }
        guard colon > 0, colon < line.count, line[colon] == 0x3A else { return .failure(nameError(line)) }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == sp || line[start] == htab { start += 1 }
        while end > start, line[end - 1] == sp || line[end - 1] == htab { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        // No early exit and no branch: the loop over long values (User-Agent, Cookie) vectorizes.
        // `invalid` gets a bit for a control byte other than HTAB, or DEL (RFC 9110 §5.5).
        var invalid: UInt8 = 0
        var highBits: UInt8 = 0
        for byte in value {
            invalid |= (byte < 0x20 && byte != 0x09) || byte == 0x7F ? 1 : 0
            highBits |= byte
        }
        if invalid != 0 { return .failure(.invalidValue) }
        return .success(FieldLine(
            name: UnsafeBufferPointer(rebasing: line[0..<colon]), value: value, valueIsASCII: highBits < 0x80))
    }

    /// Why a line whose name is not all token bytes up to a colon is invalid (§5.1).
    private static func nameError(_ line: UnsafeBufferPointer<UInt8>) -> FieldLineError {
        guard let colon = line.firstIndex(of: 0x3A), colon > 0 else { return .invalidName }
        let last = line[colon - 1]
        return last == sp || last == htab ? .whitespaceBeforeColon : .invalidName
    }

    /// RFC 9112 §7.1: `chunk-size [ chunk-ext ]`, hex, at most 15 digits (fits an Int, so no
    /// overflow); extensions are ignored but must start with `;` and hold no control bytes.
    /// nil: malformed.
    static func parseChunkSizeLine(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        var size = 0
        while i < line.count, let value = HTTPChars.hexValue(line[i]) {
            size = size << 4 | value
            i += 1
            if i > 15 { return nil }
        }
        guard i > 0 else { return nil }
        if i < line.count {
            while i < line.count, line[i] == sp || line[i] == htab { i += 1 }
            guard i < line.count, line[i] == 0x3B else { return nil }
            for j in i..<line.count where !HTTPChars.isFieldValueByte(line[j]) { return nil }
        }
        return size
    }

    /// RFC 9112 §6.3 item 5 over every Content-Length field: a list of identical values is one
    /// value; differing or non-decimal ones are invalid (nil). A value too large for an Int comes
    /// back as `Int.max`, so the caller can tell "too large" from "malformed".
    static func contentLength(_ fields: [String]) -> Int? {
        // One all-digit value (nearly every message) splits into itself: no list to build.
        if fields.count == 1, let value = parseDecimal(fields[0]) { return value }
        var length: Int?
        for field in fields {
            for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = parseDecimal(part.trimmingOWS()) else { return nil }
                if let previous = length, previous != value { return nil }
                length = value
            }
        }
        return length
    }

    /// `contentLength([value])` without the array or a String: one field, the usual case.
    static func contentLength(single value: UnsafeBufferPointer<UInt8>) -> Int? {
        parseDecimal(value) ?? contentLength([String(decoding: value, as: UTF8.self)])
    }

    /// `1*DIGIT` (RFC 9110 §8.6): no sign, no spaces; values past 18 digits saturate at `Int.max`.
    private static func parseDecimal(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { parseDecimal($0) }
    }

    /// `parseDecimal` over bytes (a value read in place from `HTTPHeaders`).
    private static func parseDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text {
            guard HTTPChars.isDigit(byte) else { return nil }
            if value > (Int.max - 9) / 10 { value = Int.max; continue }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

private let sp: UInt8 = 0x20
private let htab: UInt8 = 0x09
