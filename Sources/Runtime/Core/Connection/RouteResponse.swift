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
    /// Streamed by the application on the connection's loop (a proxied response, a tunnel); see
    /// `ClientExchange`. Also valid as a promise's answer.
    case exchange(any ExchangeStarter)
}

extension RouteResponse {
    /// True for `.exchange`: the application streams the answer (and takes a streamed body).
    var startsExchange: Bool {
        if case .exchange = self { return true }
        return false
    }
}
