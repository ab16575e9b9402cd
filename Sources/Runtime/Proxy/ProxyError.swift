/// piloto's own answer for a proxied request when nothing was relayed yet; rendered by
/// `RefusalError.response`, JSON like the rest of `/api`.
package enum ProxyError: RefusalError, Equatable {
    /// 502 + `Retry-After: 1`: unresolved, refused, closed or broken before answering.
    case unavailable(String)
    /// 504: no connection, answer or upload progress in time.
    case timedOut(String)
    /// 413 while streaming the body: the upstream request is dropped unfinished.
    case bodyTooLarge(maxBody: Int)
    /// 400: an `Upgrade` other than WebSocket, or on a route that does not forward WebSocket.
    case upgradeNotForwarded
    /// The handshake is checked before dialing, with the status and fields RFC 6455 asks for.
    case handshakeRefused(HandshakeError)

    package var status: HTTPStatus {
        switch self {
        case .unavailable: .badGateway
        case .timedOut: .gatewayTimeout
        case .bodyTooLarge: .contentTooLarge
        case .upgradeNotForwarded: .badRequest
        case .handshakeRefused(let error): HTTPStatus(error.status)
        }
    }

    package var message: String {
        switch self {
        case .unavailable(let why), .timedOut(let why): why
        case .bodyTooLarge(let maxBody): "request body larger than \(maxBody) bytes"
        case .upgradeNotForwarded: "this route does not forward protocol upgrades"
        case .handshakeRefused: "WebSocket handshake refused"
        }
    }

    package var leadingFields: [HTTPError.HeaderField] {
        switch self {
        case .unavailable: [.retryAfter(1)]
        case .handshakeRefused(let error): error.headers.map { HTTPError.HeaderField($0.name, $0.value) }
        case .timedOut, .bodyTooLarge, .upgradeNotForwarded: []
        }
    }

    package var fields: [HTTPError.HeaderField] {
        switch self {
        case .unavailable, .timedOut: [.noStore]
        case .bodyTooLarge, .upgradeNotForwarded, .handshakeRefused: []
        }
    }
}
