/// Strict parsers for scalar text, typed by the schema (never by how the text looks).
///
/// Each returns the value or the reason it is not one; the reason names the expected form so the
/// message alone tells the user what to write.
package enum ScalarParsing {
    /// Plain decimal only: no `+`, `0x`, `1_000`, `1e3` or `.inf`.
    package static func integer(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let value = Int(digits) else { return nil }
        return negative ? -value : value
    }

    /// Only `true` and `false`: YAML 1.1's `yes`, `on`, `off` are the "Norway problem".
    package static func boolean(_ text: String) -> Bool? {
        switch text {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// `1000ms`, `8s`, `5m`, `1h`, `7d`: a non-negative integer and one unit.
    package static func duration(_ text: String) -> Result<TimeSpan, UnitError> {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        let (number, unit) = split(text)
        guard let amount = number.flatMap({ Int64($0) }), !unit.isEmpty else {
            return .failure(.init("expected a duration like 8s, 5m or 1000ms (units ms, s, m, h, d), found '\(text)'"))
        }
        guard let factor = units.first(where: { $0.0 == unit })?.1 else {
            return .failure(.init("unknown duration unit '\(unit)' in '\(text)'; use ms, s, m, h or d"))
        }
        let (ms, overflow) = amount.multipliedReportingOverflow(by: factor)
        guard !overflow, ms <= 100 * 365 * 86_400_000 else { return .failure(.init("duration '\(text)' is too long")) }
        return .success(TimeSpan(milliseconds: ms))
    }

    /// `512Mi`, `1MiB`, `32KiB`, `1Gi`, or a plain number of bytes; decimal `MB` is refused on purpose.
    package static func byteSize(_ text: String) -> Result<ByteSize, UnitError> {
        let units: [(String, Int64)] = [
            ("", 1), ("B", 1), ("KiB", 1 << 10), ("Ki", 1 << 10), ("MiB", 1 << 20), ("Mi", 1 << 20),
            ("GiB", 1 << 30), ("Gi", 1 << 30),
        ]
        let (number, unit) = split(text)
        guard let amount = number.flatMap({ Int64($0) }) else {
            return .failure(.init("expected a size like 512Mi, 1MiB or 4096 (units B, KiB, MiB, GiB, Ki, Mi, Gi), found '\(text)'"))
        }
        guard let factor = units.first(where: { $0.0 == unit })?.1 else {
            let hint: [String: String] = [
                "K": "KiB", "KB": "KiB", "kB": "KiB", "k": "KiB", "M": "MiB", "MB": "MiB", "G": "GiB", "GB": "GiB",
            ]
            if let binary = hint[unit] {
                return .failure(.init("'\(text)' uses a decimal unit; use \(binary) (binary units)"))
            }
            return .failure(.init("unknown size unit '\(unit)' in '\(text)'; use B, KiB, MiB, GiB, Ki, Mi or Gi"))
        }
        let (bytes, overflow) = amount.multipliedReportingOverflow(by: factor)
        guard !overflow, bytes <= (1 << 50) else { return .failure(.init("size '\(text)' is too large")) }
        return .success(ByteSize(bytes: bytes))
    }

    /// `70%`, `0.5%`, `1%`: at most two decimals, 0…100.
    package static func percentage(_ text: String) -> Result<Percentage, UnitError> {
        let failure = UnitError("expected a percentage like 70% or 0.5%, found '\(text)'")
        guard text.hasSuffix("%"), let hundredths = decimal(String(text.dropLast()), places: 2) else {
            return .failure(failure)
        }
        guard hundredths <= 10_000 else { return .failure(.init("percentage '\(text)' is above 100%")) }
        return .success(Percentage(hundredths: hundredths))
    }

    /// `1`, `2`, `0.5` or `500m` vCPU.
    package static func cpu(_ text: String) -> Result<CPU, UnitError> {
        let failure = UnitError("expected a CPU amount like 1, 2, 0.5 or 500m, found '\(text)'")
        if text.hasSuffix("m") {
            guard let milli = integer(String(text.dropLast())), milli >= 0, milli <= 1_000_000 else {
                return .failure(failure)
            }
            return .success(CPU(millicores: milli))
        }
        guard let milli = decimal(text, places: 3), milli <= 1_000_000 else { return .failure(failure) }
        return .success(CPU(millicores: milli))
    }

    /// `immutable`, `no-cache`, or a duration meaning `max-age`.
    package static func cachePolicy(_ text: String) -> Result<CachePolicy, UnitError> {
        switch text {
        case "immutable": return .success(.immutable)
        case "no-cache": return .success(.noCache)
        default:
            guard case .success(let span) = duration(text) else {
                return .failure(.init("expected immutable, no-cache or a duration like 1h, found '\(text)'"))
            }
            return .success(.maxAge(span))
        }
    }

    /// Leading ASCII digits and the rest.
    private static func split(_ text: String) -> (number: String?, unit: String) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 15 else { return (nil, "") }
        return (String(digits), String(text.dropFirst(digits.count)))
    }

    /// A non-negative decimal with at most `places` fraction digits, scaled by 10^places.
    private static func decimal(_ text: String, places: Int) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty, wholeText.count <= 9,
            wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int(wholeText)
        else { return nil }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        guard parts.count == 2 else { return whole * scale }
        let fraction = parts[1]
        guard !fraction.isEmpty, fraction.count <= places, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
            let fractionValue = Int(fraction)
        else { return nil }
        var fractionScale = 1
        for _ in 0..<(places - fraction.count) { fractionScale *= 10 }
        return whole * scale + fractionValue * fractionScale
    }
}

/// Why a scalar is not a value of its unit type (the message names the expected form).
package struct UnitError: Error, Sendable, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
}
