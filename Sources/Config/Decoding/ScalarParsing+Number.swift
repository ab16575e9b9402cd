extension ScalarParsing {
    /// A non-negative decimal with at most 6 fraction digits (`0.05`, `220`), for usage figures.
    ///
    /// Parsed digit by digit into millionths first, so the same text gives the same `Double` on every
    /// machine (no locale, no exponent forms like `1e3`).
    package static func number(_ text: String) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty, wholeText.count <= 12,
            wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(wholeText)
        else { return nil }
        var micros = whole * 1_000_000
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 6, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                var value = Int64(fraction)
            else { return nil }
            for _ in fraction.count..<6 { value *= 10 }
            micros += value
        }
        return Double(micros) / 1_000_000
    }
}
