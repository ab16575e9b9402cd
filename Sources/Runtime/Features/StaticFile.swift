/// A content coding a file variant is stored in.
package enum ContentCoding: String, Sendable, CaseIterable {
    case identity
    case gzip
    case br
}

/// One stored representation of a file, with its responses computed at boot.
package struct FileVariant: Sendable {
    package let coding: ContentCoding
    package let body: SharedBytes
    package let etag: String
    /// 200 with body (GET) or without (HEAD).
    package let ok: PrebuiltResponse
    package let notModified: PrebuiltResponse
}

/// A served file: its variants (identity always, `.gz`/`.br` siblings when present).
package struct StaticFile: Sendable {
    package let path: String
    package let identity: FileVariant
    package let gzip: FileVariant?
    package let br: FileVariant?
    /// Fields shared by every response for this file (type, cache, validators, Vary, server.headers).
    package let contentType: String
    package let cacheControl: String
    package let lastModified: String
    package let varies: Bool
    package let extraHeaders: [(String, String)]

    /// The variant to send for an `Accept-Encoding` value (RFC 9110 §12.5.3): br, then gzip, then
    /// identity; a coding with `q=0` is refused.
    package func variant(acceptEncoding: String?) -> FileVariant {
        guard let acceptEncoding, gzip != nil || br != nil else { return identity }
        var accepted: Set<String> = []
        var refused: Set<String> = []
        for element in acceptEncoding.split(separator: ",") {
            let parts = element.split(separator: ";")
            let name = (parts.first.map { $0.trimmingOWS() } ?? "").lowercased()
            var q = 1.0
            for param in parts.dropFirst() {
                let kv = param.trimmingOWS()
                if kv.lowercased().hasPrefix("q="), let value = Double(kv.dropFirst(2)) { q = value }
            }
            if q > 0 { accepted.insert(name) } else { refused.insert(name) }
        }
        let wildcard = accepted.contains("*")
        func ok(_ name: String) -> Bool { accepted.contains(name) || (wildcard && !refused.contains(name)) }
        if let br, ok("br") { return br }
        if let gzip, ok("gzip") || ok("x-gzip") { return gzip }
        return identity
    }
}
