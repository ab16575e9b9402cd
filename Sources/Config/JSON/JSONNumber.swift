/// A JSON number as its exact RFC 8259 §6 text: built from integers or fixed-point values by our
/// writers, or taken as written by `JSONParser`, so printing never goes through a `Double`.
package struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text, always valid `-? int frac? exp?` grammar.
    package let text: String

    private init(validated text: String) { self.text = text }

    package init(_ value: some BinaryInteger) { text = String(value) }

    /// Text that must already be a JSON number; nil otherwise.
    package init?(_ text: String) {
        guard JSONNumber.isValid(Array(text.utf8)[...]) else { return nil }
        self.text = text
    }

    /// `value / 10^scaleDigits` without trailing zeros (see `DecimalText.fixedPoint`).
    package init(fixedPoint value: Int64, scaleDigits: Int) {
        text = DecimalText.fixedPoint(value, scaleDigits: scaleDigits)
    }

    /// Parser use: `bytes` were checked against the grammar while scanning.
    static func scanned(_ bytes: ArraySlice<UInt8>) -> JSONNumber { JSONNumber(validated: String(decoding: bytes, as: UTF8.self)) }

    package var description: String { text }

    /// The value when the text is a plain integer within `Int64`.
    package var int64Value: Int64? {
        guard !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        else { return nil }
        return Int64(text)
    }

    /// The nearest `Double` (the text is valid JSON, which Swift's parser reads; an out-of-range
    /// exponent gives infinity, so that is refused).
    package var doubleValue: Double? { Double(text).flatMap { $0.isFinite ? $0 : nil } }

    /// `value` rounded half away from zero to `decimals` digits (at most 6), without locale or
    /// exponent (`1e-7` would be valid JSON but is unfriendly to people reading the document); nil
    /// when not finite or too large to print exactly this way. `-0.00` prints as `0.00`.
    package static func fixed(_ value: Double, decimals: Int) -> JSONNumber? {
        guard value.isFinite else { return nil }
        let digits = max(0, min(decimals, 6))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e15 else { return nil }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard digits > 0 else { return JSONNumber(validated: sign + String(units)) }
        var fraction = String(units % divisor)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return JSONNumber(validated: sign + String(units / divisor) + "." + fraction)
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`, the whole slice.
    static func isValid(_ bytes: ArraySlice<UInt8>) -> Bool { scanLength(bytes) == bytes.count }

    /// How many bytes from the start of `bytes` form the longest number prefix, or nil when none does.
    static func scanLength(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        func isDigit(_ index: Int) -> Bool { index < end && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        if i < end && bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        return i - bytes.startIndex
    }
}
