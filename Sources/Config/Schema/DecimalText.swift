/// Exact decimal text for fixed-point integers, shared by the generators (percentages as fractions
/// in alert policies) and the runtime (nanoseconds as seconds for Prometheus): no floating point,
/// so output is the same bytes on every machine and never `1e-05`.
package enum DecimalText {
    /// `value / 10^scaleDigits` without trailing zeros: (15, 4) → `0.0015`, (20000, 4) → `2`.
    /// For a non-negative `value` (every caller's is).
    package static func fixedPoint(_ value: Int64, scaleDigits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<scaleDigits { scale *= 10 }
        let whole = value / scale
        var fraction = String(value % scale)
        fraction = String(repeating: "0", count: max(0, scaleDigits - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
