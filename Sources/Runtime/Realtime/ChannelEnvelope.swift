import Glibc
import PilotoConfig

/// What every channel frame shares: `from` (the session's login, or `anonymous` on a route without
/// `auth: required`; it comes from the server, never from the client, so it cannot be forged) and
/// `at` (RFC 3339 UTC with milliseconds). The frames themselves are `RealtimeEnvelope`'s.
package enum ChannelEnvelope {
    package enum Kind: String, Sendable {
        case message, join, leave
    }

    /// The login shown for connections without a session.
    package static let anonymous = "anonymous"

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-29T09:30:00.123Z` (what `Date.toISOString()` gives).
    package static func rfc3339(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2)
            + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2)
            + "." + pad(Int32(millis), 3) + "Z"
    }

    /// Wall-clock Unix milliseconds (CLOCK_REALTIME) for `at`.
    package static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
