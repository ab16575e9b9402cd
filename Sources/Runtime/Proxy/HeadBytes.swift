/// Appending the pieces of an HTTP head straight into bytes. Why not `"\(name): \(value)\r\n"`:
/// each interpolation builds a String and then an Array from it, two allocations per header line;
/// `perf` put that at several percent of a proxied request's CPU, on both the request and the
/// response head.
extension Array where Element == UInt8 {
    /// `name: value CRLF`.
    mutating func appendField(_ name: String, _ value: String) {
        append(contentsOf: name.utf8)
        append(0x3A)
        append(0x20)
        append(contentsOf: value.utf8)
        append(0x0D)
        append(0x0A)
    }

    /// `name: <decimal> CRLF` (a non-negative count, e.g. `Content-Length`).
    mutating func appendField(_ name: String, decimal value: Int) {
        append(contentsOf: name.utf8)
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
