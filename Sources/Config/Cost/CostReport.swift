/// Text and JSON renderings of a `CostEstimate`, shared by `piloto cost`, validate and the dashboard.
///
/// Numbers are printed from integer cents, never with a locale or `%f`, so output is the same bytes
/// on every machine.
package enum CostReport {
    /// `$41.47`, `$1,234.50`.
    package static func usd(_ value: Double) -> String {
        let cents = Int64((value * 100).rounded())
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        let fraction = magnitude % 100
        return sign + "$" + grouped(magnitude / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// A JSON number with two decimals at most: `41.47`, `18.25`, `0`.
    package static func jsonUSD(_ value: Double) -> String {
        DecimalTextSigned.hundredths(Int64((value * 100).rounded()))
    }

    /// `792,000`, `0.5`, `2.25` (at most two decimals, grouped thousands).
    package static func number(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let whole = grouped(abs(hundredths) / 100)
        var fraction = ""
        let rest = abs(hundredths) % 100
        if rest != 0 {
            fraction = "." + (rest < 10 ? "0" : "") + String(rest)
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        return (hundredths < 0 ? "-" : "") + whole + fraction
    }

    static func grouped(_ value: Int64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// The table `piloto cost` prints: one line per item, then the total.
    package static func table(_ estimate: CostEstimate, title: String) -> String {
        let rows = estimate.items.map { ($0.label, usd($0.usd)) } + [("Total (estimate, USD/month)", usd(estimate.totalUSD))]
        let labelWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        var out = title + "\n"
        for (index, row) in rows.enumerated() {
            if index == rows.count - 1 { out += String(repeating: "-", count: labelWidth + 2 + valueWidth) + "\n" }
            out += row.0 + String(repeating: " ", count: labelWidth - row.0.count + 2)
                + String(repeating: " ", count: valueWidth - row.1.count) + row.1 + "\n"
        }
        return out
    }

    /// `{"total_usd": N, "items": [{"id": …, "label": …, "usd": N}, …]}`.
    package static func json(_ estimate: CostEstimate) -> String {
        let items = estimate.items.map {
            "{\"id\": \(JSONString.quoted($0.id)), \"label\": \(JSONString.quoted($0.label)), \"usd\": \(jsonUSD($0.usd))}"
        }
        return "{\"total_usd\": \(jsonUSD(estimate.totalUSD)), \"items\": [" + items.joined(separator: ", ") + "]}\n"
    }
}

/// Signed fixed-point with two decimals for JSON (`-0.5` never occurs in estimates, but stays valid).
enum DecimalTextSigned {
    static func hundredths(_ value: Int64) -> String {
        (value < 0 ? "-" : "") + DecimalText.fixedPoint(abs(value), scaleDigits: 2)
    }
}
