/// Turns responses into bytes in a connection's `OutputQueue`.
///
/// ```
/// HTTP/1.1 200 OK\r\n            status line (prebuilt or formatted)
/// Date: …\r\n                    from the loop's DateHeader, copied
/// Connection: close\r\n          only when the connection ends after this response
/// <server.headers>\r\n           precomputed once
/// <response fields>\r\n          Content-Length always set by us
/// \r\n
/// <body>                         owned bytes copied, shared bytes referenced
/// ```
package struct ResponseSerializer: Sendable {
    /// `server.headers` as field lines, added to every response.
    package let extraFieldLines: [UInt8]

    package init(extraHeaders: [(String, String)]) {
        var lines: [UInt8] = []
        HTTPHeaders(extraHeaders.map { (name: $0.0, value: $0.1) }).forEachField { Self.appendCleanedLine($0, to: &lines) }
        extraFieldLines = lines
    }

    /// `HTTP/1.1 100 Continue` (RFC 9110 §15.2.1), sent before reading a body the client holds back.
    package static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Queues a handler-built response. `includeBody` is false for HEAD (RFC 9110 §9.3.2).
    package func write(
        _ response: HTTPResponse, includeBody: Bool, close: Bool, date: DateHeader, into queue: inout OutputQueue
    ) {
        var head: [UInt8] = []
        head.reserveCapacity(256)
        head += Array("HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n".utf8)
        head += date.line
        if close { head += Self.connectionClose }
        head += extraFieldLines
        response.headers.forEachField { field in
            guard !field.name.asciiCaseInsensitiveEquals("Content-Length") else { return }
            Self.appendCleanedLine(field, to: &head)
        }
        // RFC 9110 §8.6: every response we send is length-delimited (no chunked responses needed).
        if !response.status.forbidsBody || response.status == .notModified {
            if response.status != .notModified || response.body.count > 0 {
                head += Array("Content-Length: \(response.body.count)\r\n".utf8)
            }
        }
        head += Self.crlf
        queue.append(head)
        guard includeBody, !response.status.forbidsBody else { return }
        switch response.body {
        case .empty: break
        case .bytes(let bytes): queue.append(bytes)
        case .shared(let storage, let range): queue.append(shared: storage, range: range)
        }
    }

    /// Queues a boot-time response, splicing in the Date and, when closing, `Connection: close`.
    package func write(
        _ response: PrebuiltResponse, includeBody: Bool, close: Bool, date: DateHeader, into queue: inout OutputQueue
    ) {
        let head = response.head
        queue.append(head.bytes(0..<response.statusLineCount))
        queue.append(date.line)
        if close { queue.append(Self.connectionClose) }
        queue.append(head.bytes(response.statusLineCount..<head.count))
        if includeBody, let body = response.body { queue.append(shared: body, range: response.bodyRange) }
    }

    /// A parse error's answer: status, tiny text body, always `Connection: close` (RFC 9112 §11.2).
    package func writeError(_ status: HTTPStatus, date: DateHeader, into queue: inout OutputQueue) {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain; charset=utf-8")
        let body = Array("\(status.code) \(status.reason)\n".utf8)
        write(HTTPResponse(status: status, headers: headers, body: .bytes(body)), includeBody: true, close: true,
              date: date, into: &queue)
    }

    private static let fieldSeparator: [UInt8] = [0x3A, 0x20]

    /// No CR, LF or NUL: the bytes can go out as they are.
    private static func isClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }

    /// `field`'s line with CR, LF and NUL removed from its name and value, so no handler (and no
    /// `server.headers` entry) can split a header into two (response splitting). A clean field,
    /// nearly every one, is its line as it is.
    private static func appendCleanedLine(_ field: HTTPFieldBytes, to out: inout [UInt8]) {
        guard !isClean(field.name) || !isClean(field.value) else {
            out.append(contentsOf: field.line)
            return
        }
        for byte in field.name where byte != 0x0D && byte != 0x0A && byte != 0 { out.append(byte) }
        out.append(contentsOf: fieldSeparator)
        for byte in field.value where byte != 0x0D && byte != 0x0A && byte != 0 { out.append(byte) }
        out += crlf
    }
}
