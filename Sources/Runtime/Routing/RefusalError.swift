/// A layer's typed refusal (`LoginError`, `AuthGateError`): the case says the status, the message
/// and the fields the status needs (`Retry-After`, `Cache-Control`), so no call site adds them.
///
/// Deferred paths (a promise completed after the store or the hashing pool answered) cannot throw
/// through the router, so every refusal, thrown or deferred, is rendered by `response` below.
package protocol RefusalError: Error, Sendable {
    var status: HTTPStatus { get }
    var message: String { get }
    /// Fields before `Content-Type`, in wire order (the proxy's `Retry-After`).
    var leadingFields: [HTTPError.HeaderField] { get }
    /// Fields after `Content-Type`, in wire order.
    var fields: [HTTPError.HeaderField] { get }
}

extension RefusalError {
    package var leadingFields: [HTTPError.HeaderField] { [] }

    /// The one mapping from a refusal to the wire: the core's JSON error body, then `fields`.
    package var response: RouteResponse {
        var response = HTTPError(status, message, headers: leadingFields).response
        for field in fields { response.headers.add(field.name, field.value) }
        return .response(response)
    }
}
