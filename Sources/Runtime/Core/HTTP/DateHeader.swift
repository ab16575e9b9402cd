import Glibc

/// The `Date` header line, formatted once a second rather than per response (RFC 9110 §6.6.1).
///
/// Each event loop owns one, so no thread ever sees it change under it; the serializer copies the
/// line into the connection's own output, so bytes already queued never change while being sent.
package struct DateHeader: Sendable {
    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` — always 37 bytes.
    package private(set) var line: [UInt8]
    private var second: Int = -1

    package init(epochSeconds: Int) {
        line = []
        update(epochSeconds: epochSeconds)
    }

    /// Reformats only when the second changed.
    package mutating func update(epochSeconds: Int) {
        guard epochSeconds != second else { return }
        second = epochSeconds
        line = Array(("Date: " + Self.imfFixdate(epochSeconds: epochSeconds) + "\r\n").utf8)
    }

    /// RFC 9110 §5.6.7 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    package static func imfFixdate(epochSeconds: Int) -> String {
        var t = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    private static func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
