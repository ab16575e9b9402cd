/// A handler-level error with its HTTP meaning: thrown by responders, rendered by the core once as
/// `{"error":{"message":…}}` with the fields the status needs (`Allow` for 405, `Retry-After` for
/// 503) carried by the error rather than added at each call site.
package struct HTTPError: Error, Sendable, Equatable {
    package var status: HTTPStatus
    package var message: String
    /// Extra response fields, e.g. `("Allow", "GET, HEAD")` (RFC 9110 §15.5.6).
    package var headers: [HeaderField]

    package struct HeaderField: Sendable, Equatable {
        package var name: String
        package var value: String

        package init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    package init(_ status: HTTPStatus, _ message: String? = nil, headers: [HeaderField] = []) {
        self.status = status
        self.message = message ?? status.reason
        self.headers = headers
    }

    /// 405 listing what the route accepts.
    package static func methodNotAllowed(allow: String) -> HTTPError {
        HTTPError(.methodNotAllowed, headers: [HeaderField("Allow", allow)])
    }

    /// 503 telling clients when to retry (RFC 9110 §10.2.3).
    package static func unavailable(_ message: String, retryAfterSeconds: Int) -> HTTPError {
        HTTPError(.serviceUnavailable, message, headers: [HeaderField("Retry-After", String(retryAfterSeconds))])
    }

    /// The one mapping from error to response.
    package var response: HTTPResponse {
        var body = #"{"error":{"message":"#
        Self.appendJSONString(message, to: &body)
        body += "}}"
        var fields = HTTPHeaders()
        for field in headers { fields.add(field.name, field.value) }
        return .json(status, body, headers: fields)
    }

    /// RFC 8259 §7 string escaping (the core has no JSON value type of its own).
    private static func appendJSONString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
