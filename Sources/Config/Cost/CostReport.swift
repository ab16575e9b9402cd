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

    /// A unit price with as many decimals as it needs: `$0.0000336`, `$0.025`, `$0.40`.
    package static func price(_ value: Double) -> String {
        let billionths = Int64((abs(value) * 1_000_000_000).rounded())
        var fraction = String(billionths % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") { fraction.removeLast() }
        return (value < 0 ? "-" : "") + "$" + grouped(billionths / 1_000_000_000) + "." + fraction
    }

    /// The table `piloto cost` prints: one line per item with its terms indented under it, then
    /// the total, then the assumptions (one sentence a line, after `Assumptions:`).
    package static func table(_ estimate: CostEstimate, title: String, assumptions: [String] = []) -> String {
        var rows: [(String, String)] = []
        for item in estimate.items {
            rows.append((item.label, usd(item.usd)))
            rows += item.details.map { ("  " + $0.label, usd($0.usd)) }
        }
        let total = ("Total (estimate, USD/month)", usd(estimate.totalUSD))
        let labelWidth = (rows + [total]).map(\.0.count).max() ?? 0
        let valueWidth = (rows + [total]).map(\.1.count).max() ?? 0
        func line(_ row: (String, String)) -> String {
            row.0 + String(repeating: " ", count: labelWidth - row.0.count + 2)
                + String(repeating: " ", count: valueWidth - row.1.count) + row.1 + "\n"
        }
        var out = title + "\n"
        for row in rows { out += line(row) }
        out += String(repeating: "-", count: labelWidth + 2 + valueWidth) + "\n" + line(total)
        if !assumptions.isEmpty {
            out += "\nAssumptions:\n" + assumptions.map { "- " + $0 + "\n" }.joined()
        }
        return out
    }

    /// `{"total_usd": N, "items": [{"id": …, "label": …, "usd": N, "details": [{"label": …, "usd": N}]}, …],
    /// "assumptions": […]}`: keys always in this order; `assumptions` only when given.
    package static func json(_ estimate: CostEstimate, assumptions: [String] = []) -> String {
        let items = estimate.items.map { item in
            let details = item.details.map { "{\"label\": \(JSONString.quoted($0.label)), \"usd\": \(jsonUSD($0.usd))}" }
            return "{\"id\": \(JSONString.quoted(item.id)), \"label\": \(JSONString.quoted(item.label)), \"usd\": \(jsonUSD(item.usd)), "
                + "\"details\": [" + details.joined(separator: ", ") + "]}"
        }
        var out = "{\"total_usd\": \(jsonUSD(estimate.totalUSD)), \"items\": [" + items.joined(separator: ", ") + "]"
        if !assumptions.isEmpty {
            out += ", \"assumptions\": [" + assumptions.map(JSONString.quoted).joined(separator: ", ") + "]"
        }
        return out + "}\n"
    }
}

/// Signed fixed-point with two decimals for JSON (`-0.5` never occurs in estimates, but stays valid).
enum DecimalTextSigned {
    static func hundredths(_ value: Int64) -> String {
        (value < 0 ? "-" : "") + DecimalText.fixedPoint(abs(value), scaleDigits: 2)
    }
}
