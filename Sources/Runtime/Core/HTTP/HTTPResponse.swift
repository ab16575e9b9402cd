/// A response body: nothing, owned bytes, or a slice of shared immutable bytes (no copy).
package enum ResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    case shared(SharedBytes, Range<Int>)

    package var count: Int {
        switch self {
        case .empty: 0
        case .bytes(let b): b.count
        case .shared(_, let range): range.count
        }
    }
}

/// A response built per request by a handler.
package struct HTTPResponse: Sendable {
    package var status: HTTPStatus
    package var headers: HTTPHeaders
    package var body: ResponseBody

    package init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A small JSON response.
    package static func json(_ status: HTTPStatus, _ text: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var h = headers
        h.add("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: h, body: .bytes(Array(text.utf8)))
    }
}

/// A response computed at boot, byte for byte, except for `Date` and `Connection: close`, which the
/// serializer splices in between the status line and the fixed fields.
///
/// A final class, not a struct: it is immutable, and it travels by value through `RouteResponse`
/// on every request; as a struct each copy retained its arrays and body one by one.
package final class PrebuiltResponse: Sendable {
    package let status: HTTPStatus
    /// The head in one stable buffer: the status line (`HTTP/1.1 200 OK\r\n`, the first
    /// `statusLineCount` bytes), then every other field line, each ending in CRLF, and the empty
    /// line that ends the head. Read through pointers (`SharedBytes.bytes`), so queuing it costs
    /// no reference counting, unlike the arrays it replaces.
    package let head: SharedBytes
    package let statusLineCount: Int
    /// The body and the part of it sent (shared with other variants; never copied).
    package let body: SharedBytes?
    package let bodyRange: Range<Int>

    package init(status: HTTPStatus, fields: [(String, String)], body: SharedBytes?, bodyRange: Range<Int>? = nil) {
        self.status = status
        var lines = Array("HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
        statusLineCount = lines.count
        for (name, value) in fields { lines += Array("\(name): \(value)\r\n".utf8) }
        lines += [0x0D, 0x0A]
        head = SharedBytes(lines)
        self.body = body
        self.bodyRange = bodyRange ?? 0..<(body?.count ?? 0)
    }
}

extension PrebuiltResponse {
    /// A boot-time response with a small fixed body (health, 404): `Content-Length` is added here.
    package static func fixed(
        _ status: HTTPStatus, headers: [(String, String)], body: [UInt8], extraHeaders: [(String, String)]
    ) -> PrebuiltResponse {
        PrebuiltResponse(
            status: status, fields: headers + [("Content-Length", String(body.count))] + extraHeaders,
            body: body.isEmpty ? nil : SharedBytes(body))
    }
}
