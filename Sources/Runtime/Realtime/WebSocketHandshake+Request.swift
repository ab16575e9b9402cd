import PilotoHTTPCore

extension WebSocketHandshake {
    /// `accept` on a routed request: the WebSocket route and a proxy route that forwards
    /// `Upgrade: websocket` check the same RFC 6455 rules on the same fields.
    static func accept(_ request: HTTPRequest, origins: WebSocketOriginPolicy) throws(HandshakeError) -> Accepted {
        try accept(method: request.method, version: request.head.version.text, headers: request.headers.fields, origins: origins)
    }
}
