/// The normalized (percent-decoded, dot-segment-free) request path, encoded again for the
/// upstream's request line.
///
/// Why not forward the client's raw target: routing matched the normalized path, so the upstream
/// must see that same path (`/api/clientes/%2e%2e/admin` must not reach the backend as something
/// that resolves outside the route). nginx does the same when `proxy_pass` names a URI. One
/// consequence, documented in docs/proxy.md: an encoded slash (`%2F`) reaches the backend as `/`.
enum ProxyPathEncoding {
    static func encode(_ path: String) -> String {
        // Nearly every path needs no escape: then it is returned as is, without a copy.
        if path.utf8.allSatisfy(isAllowed) { return path }
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        var changed = false
        for byte in path.utf8 {
            if isAllowed(byte) {
                out.append(byte)
            } else {
                changed = true
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : path
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// RFC 3986 `pchar` plus `/`: unreserved, sub-delims, `:` and `@`.
    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
