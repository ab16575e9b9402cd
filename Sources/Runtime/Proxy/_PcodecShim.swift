// TEMPORARY: stands in for helper pcodec's pure pieces until they merge. Delete at merge.
import PilotoHTTPCore

enum ProxyTarget {
    static func path(requestPath: String, query: String?, routePrefix: String, stripPrefix: Bool, basePath: String) -> String {
        var path = requestPath
        if stripPrefix, routePrefix != "/" { path = String(path.dropFirst(routePrefix.count)); if path.isEmpty { path = "/" } }
        return basePath + path + (query.map { "?" + $0 } ?? "")
    }
}
enum ClientIP {
    static func resolve(forwardedFor: [String], peer: String, trustedHops: Int) -> String {
        guard trustedHops > 0, forwardedFor.count >= trustedHops else { return peer }
        return forwardedFor[forwardedFor.count - trustedHops]
    }
}
enum IdentityAssertion {
    static func sign(key: [UInt8], audience: String, subject: String, sessionID: String, issuedAt: Int64) -> String { "unsigned." + subject }
}
enum ProxyRequestHeaders {
    static let hop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "forwarded", "x-real-ip", "content-length"]
    static func build(from headers: HTTPHeaders, clientIP: String, proto: String, host: String, identity: [(name: String, value: String)], websocket: Bool) -> [(name: String, value: String)] {
        let listed = Set(headers.listElements("Connection").map { $0.lowercased() })
        var out: [(name: String, value: String)] = []
        for (name, value) in headers.fields {
            let lower = name.lowercased()
            if websocket && lower == "upgrade" { continue }
            if hop.contains(lower) || listed.contains(lower) || lower.hasPrefix("x-forwarded-") || lower.hasPrefix("x-piloto-") { continue }
            out.append((name, value))
        }
        if websocket { out.append(("Upgrade", "websocket")); out.append(("Connection", "Upgrade")) }
        out.append(("X-Forwarded-For", clientIP)); out.append(("X-Forwarded-Proto", proto)); out.append(("X-Forwarded-Host", host))
        out += identity
        return out
    }
}
enum ProxyResponseHeaders {
    static func filter(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        let listed = Set(headers.listElements("Connection").map { $0.lowercased() })
        return headers.fields.filter { !ProxyRequestHeaders.hop.contains($0.name.lowercased()) && !listed.contains($0.name.lowercased()) }
    }
}
enum ProxyRequestWriter {
    static func serialize(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) -> [UInt8] {
        var out = Array("\(method) \(target) HTTP/1.1\r\n".utf8)
        for (n, v) in headers { out += Array("\(n): \(v)\r\n".utf8) }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { out += Array("Content-Length: \(body.count)\r\n".utf8) }
        out += [13, 10]; out += body
        return out
    }
}
extension ProxyRequestWriter {
    static func serializeHead(method: String, target: String, headers: [(name: String, value: String)]) -> [UInt8] {
        var out = Array("\(method) \(target) HTTP/1.1\r\n".utf8)
        for (n, v) in headers { out += Array("\(n): \(v)\r\n".utf8) }
        out += [13, 10]
        return out
    }
}
enum ProxyRetryPolicy {
    static func mayReplay(method: String, hasBody: Bool, hasIdempotencyKey: Bool, reachedUpstream: Bool) -> Bool {
        if !reachedUpstream || hasIdempotencyKey { return true }
        return ["GET", "HEAD", "OPTIONS"].contains(method) && !hasBody
    }
}
