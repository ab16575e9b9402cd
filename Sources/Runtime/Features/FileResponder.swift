/// Answers GET/HEAD for a file: conditional requests, ranges, and precompressed variants.
package enum FileResponder {
    /// The response for `file` to `request`.
    package static func respond(_ file: StaticFile, to request: HTTPRequest) -> RouteResponse {
        let isHead = request.head.isHead
        let headers = request.headers
        let variant = file.variant(acceptEncoding: headers["Accept-Encoding"])
        // RFC 9110 §13.1.2: If-None-Match matches by weak comparison; `*` matches any current file.
        if let inm = headers["If-None-Match"] {
            if matches(ifNoneMatch: inm, etag: variant.etag) { return .prebuilt(variant.notModified, includeBody: false) }
        } else if let ims = headers["If-Modified-Since"], ims.trimmingOWS() == file.lastModified {
            // RFC 9110 §13.1.3, only when If-None-Match is absent. Browsers echo Last-Modified verbatim,
            // so an exact match is the case that matters; any other date gets the full response.
            return .prebuilt(variant.notModified, includeBody: false)
        }
        // RFC 9110 §14.2: Range applies to GET only; unknown or multiple ranges are ignored (→ 200).
        if request.method == "GET", let rangeHeader = headers["Range"], ifRangeAllows(headers, etag: file.identity.etag) {
            let identity = file.identity
            switch ByteRange.parse(rangeHeader, length: identity.body.count) {
            case .ignore:
                break
            case .unsatisfiable:
                var h = commonHeaders(file, identity)
                h.add("Content-Range", "bytes */\(identity.body.count)")
                return .response(HTTPResponse(status: .rangeNotSatisfiable, headers: h))
            case .range(let range):
                var h = commonHeaders(file, identity)
                h.add("Content-Type", file.contentType)
                h.add("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(identity.body.count)")
                return .response(HTTPResponse(status: .partialContent, headers: h, body: .shared(identity.body, range)))
            }
        }
        return .prebuilt(variant.ok, includeBody: !isHead)
    }

    private static func commonHeaders(_ file: StaticFile, _ variant: FileVariant) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add("ETag", variant.etag)
        h.add("Last-Modified", file.lastModified)
        h.add("Cache-Control", file.cacheControl)
        if file.varies { h.add("Vary", "Accept-Encoding") }
        h.add("Accept-Ranges", "bytes")
        for (name, value) in file.extraHeaders { h.add(name, value) }
        return h
    }

    static func matches(ifNoneMatch: String, etag: String) -> Bool {
        let trimmed = ifNoneMatch.trimmingOWS()
        if trimmed == "*" { return true }
        let opaque = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        for candidate in trimmed.split(separator: ",") {
            var tag = candidate.trimmingOWS()
            if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
            if tag == opaque { return true }
        }
        return false
    }

    /// RFC 9110 §13.1.5: with If-Range, the range is honoured only if the entity tag still matches.
    private static func ifRangeAllows(_ headers: HTTPHeaders, etag: String) -> Bool {
        guard let ifRange = headers["If-Range"] else { return true }
        return ifRange.trimmingOWS() == etag  // strong comparison; dates are not honoured (→ full 200)
    }
}

/// A single byte range request (RFC 9110 §14.1.2).
package enum ByteRange: Equatable {
    case ignore
    case unsatisfiable
    case range(Range<Int>)

    package static func parse(_ header: String, length: Int) -> ByteRange {
        let value = header.trimmingOWS()
        guard value.lowercased().hasPrefix("bytes=") else { return .ignore }
        let spec = value.dropFirst(6).trimmingOWS()
        // Multiple ranges would need multipart/byteranges; a server may answer them with the whole file.
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .ignore }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.utf8.count <= 18, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(s)
        }
        if first.isEmpty {
            // suffix-range: the last N bytes.
            guard let n = number(last) else { return .ignore }
            guard n > 0, length > 0 else { return .unsatisfiable }
            return .range(max(0, length - n)..<length)
        }
        guard let start = number(first) else { return .ignore }
        let end: Int
        if last.isEmpty {
            end = length - 1
        } else {
            guard let e = number(last), e >= start else { return .ignore }
            end = min(e, length - 1)
        }
        guard start < length else { return .unsatisfiable }
        return .range(start..<(end + 1))
    }
}
