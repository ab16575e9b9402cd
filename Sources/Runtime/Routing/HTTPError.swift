import PilotoConfig

/// A handler-level error with its HTTP meaning, rendered as `{"error":{"message":…}}`.
package struct HTTPError: Error, Sendable, Equatable {
    package var status: HTTPStatus
    package var message: String

    package init(_ status: HTTPStatus, _ message: String? = nil) {
        self.status = status
        self.message = message ?? status.reason
    }

    package var response: HTTPResponse {
        var body = ""
        JSONValue.object([("error", .object([("message", .string(message))]))]).writeCompact(into: &body)
        return .json(status, body)
    }
}
