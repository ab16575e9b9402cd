/// Reads cookies from `Cookie` request headers (RFC 6265 §5.4: `name=value` pairs joined by `; `).
/// Lenient on the separator whitespace, strict on nothing else: a malformed pair is skipped, never
/// an error, because a browser may hold cookies from other apps on the same host.
package enum CookieHeader {
    /// The value of the first cookie called `name` across every `Cookie` header, or nil.
    package static func value(named name: String, in headers: HTTPHeaders) -> String? {
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";", omittingEmptySubsequences: true) {
                let trimmed = pair.drop(while: { $0 == " " || $0 == "\t" })
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                guard trimmed[..<equals] == name else { continue }
                var value = trimmed[trimmed.index(after: equals)...]
                while value.last == " " || value.last == "\t" { value = value.dropLast() }
                // RFC 6265 §4.1.1 allows the value to be wrapped in double quotes.
                if value.count >= 2 && value.first == "\"" && value.last == "\"" { value = value.dropFirst().dropLast() }
                return String(value)
            }
        }
        return nil
    }
}
