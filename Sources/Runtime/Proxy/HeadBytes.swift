/// Appending the pieces of an HTTP head straight into bytes. Why not `"\(name): \(value)\r\n"`:
/// each interpolation builds a String and then an Array from it, two allocations per header line;
/// `perf` put that at several percent of a proxied request's CPU, on both the request and the
/// response head.
extension Array where Element == UInt8 {
    /// `name: value CRLF`.
    mutating func appendField(_ name: String, _ value: String) {
        appendUTF8(name)
        append(0x3A)
        append(0x20)
        appendUTF8(value)
        append(0x0D)
        append(0x0A)
    }

    /// `text`'s UTF-8 bytes, copied from its contiguous storage when it has one (every native
    /// String: small or not). Why: `append(contentsOf: text.utf8)` went through the generic
    /// sequence copy, ~5 % of a proxied request's user CPU in `perf` (twice per header line).
    mutating func appendUTF8(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }

    /// `name: <decimal> CRLF` (a non-negative count, e.g. `Content-Length`).
    mutating func appendField(_ name: String, decimal value: Int) {
        appendUTF8(name)
        append(0x3A)
        append(0x20)
        appendDecimal(value)
        append(0x0D)
        append(0x0A)
    }

    /// The decimal digits of a non-negative `value`.
    mutating func appendDecimal(_ value: Int) {
        precondition(value >= 0, "only counts and status codes are written")
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(0x30 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
