import CLinuxEvents
import Glibc

/// Immutable bytes at a stable address, shared by every response that sends them (file bodies,
/// prebuilt heads). Never mutated after init, so the kernel may read them while other threads do.
package final class SharedBytes: Sendable {
    private nonisolated(unsafe) let base: UnsafeMutableRawPointer
    package let count: Int
    /// An in-memory file holding the same bytes, or -1: large bodies are sent from it with
    /// `sendfile(2)`, which spares the copy from user memory into the socket that dominates the
    /// CPU profile of big assets (nginx does the same from the page cache).
    package let fileDescriptor: Int32

    /// - Parameter mirrorInFile: also keep the bytes in a memfd for `sendfile` (for big bodies).
    package init(_ bytes: some Collection<UInt8>, mirrorInFile: Bool = false) {
        count = bytes.count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        UnsafeMutableRawBufferPointer(start: base, count: count).copyBytes(from: bytes)
        fileDescriptor = mirrorInFile ? Self.memoryFile(base, count) : -1
    }

    /// The bytes; valid as long as this object is alive.
    package var pointer: UnsafeRawPointer { UnsafeRawPointer(base) }

    package subscript(range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    deinit {
        if fileDescriptor >= 0 { close(fileDescriptor) }
        base.deallocate()
    }

    /// A memfd with a copy of the bytes, or -1 when the kernel refuses (then plain writes are used).
    private static func memoryFile(_ base: UnsafeMutableRawPointer, _ count: Int) -> Int32 {
        let fd = piloto_memfd_create("piloto-body")
        guard fd >= 0 else { return -1 }
        var done = 0
        while done < count {
            let n = write(fd, base + done, count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                return -1
            }
            done += n
        }
        return fd
    }
}

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
package struct PrebuiltResponse: Sendable {
    package let status: HTTPStatus
    /// `HTTP/1.1 200 OK\r\n`.
    package let statusLine: [UInt8]
    /// Every other field line, each ending in CRLF, without the final empty line.
    package let fieldLines: [UInt8]
    /// The body and the part of it sent (shared with other variants; never copied).
    package let body: SharedBytes?
    package let bodyRange: Range<Int>

    package init(status: HTTPStatus, fields: [(String, String)], body: SharedBytes?, bodyRange: Range<Int>? = nil) {
        self.status = status
        statusLine = Array("HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
        var lines: [UInt8] = []
        for (name, value) in fields { lines += Array("\(name): \(value)\r\n".utf8) }
        fieldLines = lines
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

/// What a route answers.
package enum RouteResponse: Sendable {
    case response(HTTPResponse)
    /// A response computed at boot; `includeBody` is false for HEAD (and always for 304).
    case prebuilt(PrebuiltResponse, includeBody: Bool)
    /// A protocol upgrade (WebSocket): the connection writes the `101` response, then hands the
    /// connection, and any bytes read past the request, to the upgraded protocol.
    case upgrade(HTTPResponse, any ConnectionUpgrader)
    /// Answered later (from any thread) through the promise; see `ResponsePromise`.
    case deferred(ResponsePromise)
}
