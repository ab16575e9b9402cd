import PilotoConfig

/// Google resource names of the load balancer, all derived from `service.name`.
///
/// Google names are 1–63 characters (RFC 1035); `service.name` is at most 49, so the longest
/// suffix here (`-http-redirect`, 14) still fits. The certificate's name also carries a hash of
/// the domain: a managed certificate cannot change its domains in place, so a new domain is a new
/// certificate, created before the old one is deleted (`create_before_destroy`) under a new name.
struct LoadBalancerNames {
    var address: String
    var neg: String
    var backend: String
    var urlMap: String
    var certificate: String
    var httpsProxy: String
    var httpsRule: String
    var redirectMap: String
    var httpProxy: String
    var httpRule: String

    init(_ config: PilotoConfig) {
        let base = config.service.name
        address = base + "-ip"
        neg = base + "-neg"
        backend = base + "-backend"
        urlMap = base + "-urlmap"
        certificate = base + "-cert-" + Self.shortHash(config.service.domain)
        httpsProxy = base + "-https-proxy"
        httpsRule = base + "-https"
        redirectMap = base + "-http-redirect"
        httpProxy = base + "-http-proxy"
        httpRule = base + "-http"
    }

    /// FNV-1a (32 bits) as 8 lowercase hex digits: stable across runs and machines, unlike `hashValue`.
    static func shortHash(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
