/// Which address the client has, given `server.trusted_hops` proxies in front of piloto that each
/// append the address they received from to `X-Forwarded-For`.
///
/// Semantics (Envoy's `xff_num_trusted_hops`, Traefik's `depth`, nginx `real_ip_recursive on`):
/// - `trustedHops == 0`: the socket peer; the header is ignored (nobody trusted wrote it).
/// - `trustedHops == N`, at least N elements: the Nth from the right. On Cloud Run (N = 1) the
///   front end appends the address it saw, so the last element is the client; whatever is left
///   of it was written by the client and is never believed.
/// - fewer than N elements: the left-most one. Every element then came from a trusted proxy (the
///   request took fewer hops than configured), and the left-most is the earliest address one of
///   them saw; this is what nginx's recursive mode yields when all addresses are trusted.
///   (Traefik returns nothing and falls back to the peer; that makes a misconfigured
///   `trusted_hops: 2` lump every Cloud Run client into Google's front-end address.)
/// - no header, or the chosen element is not an IP address: the peer.
package enum ClientIP {
    /// `forwardedFor`: the list elements of every `X-Forwarded-For` field, in order
    /// (`HTTPHeaders.listElements`).
    package static func resolve(forwardedFor: [String], peer: String, trustedHops: Int) -> String {
        guard trustedHops > 0, !forwardedFor.isEmpty else { return peer }
        let index = forwardedFor.count >= trustedHops ? forwardedFor.count - trustedHops : 0
        let candidate = forwardedFor[index]
        return looksLikeIP(candidate) ? candidate : peer
    }

    /// IPv4 or IPv6 text (hex digits, `.`, `:`), at most 45 bytes (INET6_ADDRSTRLEN − 1): enough to
    /// keep log lines, rate-limit keys and the `Forwarded` header free of arbitrary client text.
    static func looksLikeIP(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 45 else { return false }
        var colons = 0, dots = 0, letters = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: ":"): colons += 1
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): letters += 1
            default: return false
            }
        }
        return colons >= 2 || (colons == 0 && dots == 3 && letters == 0)
    }
}
