/// The client's round-trip time from `monitoring.rtt_header`, which the load balancer fills with
/// `{client_rtt_msec}` (its smoothed TCP RTT to the client, in whole milliseconds).
///
/// Only the load balancer can set it (ingress `internal-and-cloud-load-balancing`, and it replaces
/// any value a client sent), but the value is still text off the wire: anything but 1–6 ASCII
/// digits, or more than a minute, is ignored rather than recorded, so one odd request cannot skew
/// a percentile or overflow a sum.
package enum ClientRTT {
    /// The largest RTT taken as real: a minute (no TCP round trip that long survives).
    package static let maxMilliseconds: Int64 = 60_000

    /// Whole milliseconds, or nil for a missing, malformed or absurd value.
    package static func milliseconds(_ value: String?) -> Int64? {
        guard let value else { return nil }
        let bytes = Array(value.trimmingOWS().utf8)
        guard !bytes.isEmpty, bytes.count <= 6, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var milliseconds: Int64 = 0
        for byte in bytes { milliseconds = milliseconds * 10 + Int64(byte - 0x30) }
        return milliseconds <= maxMilliseconds ? milliseconds : nil
    }
}
