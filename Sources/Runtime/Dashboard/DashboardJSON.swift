import PilotoConfig

/// A tiny ordered JSON builder for the dashboard's metrics document.
///
/// The log's `JSONValue` has no numbers with fractions, arrays or null; the dashboard needs all
/// three. Keys are written in the order the code appends them (never from a Dictionary), and
/// fractional numbers are printed with a fixed number of decimals, so the same figures always give
/// the same bytes.
package indirect enum DashboardJSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A number printed with `decimals` digits after the point (RFC 8259 §6: no NaN/Infinity,
    /// which become `null`).
    case number(Double, decimals: Int)
    case string(String)
    case array([DashboardJSON])
    case object([(String, DashboardJSON)])

    /// Compact JSON text (RFC 8259).
    package var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    private func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let n): out += String(n)
        case .number(let value, let decimals): out += Self.fixed(value, decimals: decimals) ?? "null"
        case .string(let s): JSONString.append(s, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.render(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                JSONString.append(key, to: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    /// `value` rounded half away from zero to `decimals` digits, without locale or exponent
    /// (`1e-7` would be valid JSON but is unfriendly to people reading the document); nil when not
    /// finite or too large to print exactly this way.
    static func fixed(_ value: Double, decimals: Int) -> String? {
        guard value.isFinite else { return nil }
        let digits = max(0, min(decimals, 6))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e15 else { return nil }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(units) }
        var fraction = String(units % divisor)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return sign + String(units / divisor) + "." + fraction
    }
}
