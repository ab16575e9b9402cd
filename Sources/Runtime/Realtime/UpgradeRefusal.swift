/// Why a WebSocket route refused the upgrade request; rendered by `RefusalError.response`.
package enum UpgradeRefusal: RefusalError, Equatable {
    /// A path under the route that is not the route (a route without channels).
    case notFound
    /// The route's own path on a channel route: the channel is missing.
    case notAChannel(routePath: String)
    case invalidChannelName
    /// RFC 6455 §4.2.2: the status and fields (`Sec-WebSocket-Version`, …) the handshake asks for.
    case handshake(HandshakeError)

    package var status: HTTPStatus {
        switch self {
        case .notFound, .notAChannel: .notFound
        case .invalidChannelName: .badRequest
        case .handshake(let error): HTTPStatus(error.status)
        }
    }

    package var message: String {
        switch self {
        case .notFound: status.reason
        case .notAChannel(let routePath): "connect to \(routePath)/<channel>"
        case .invalidChannelName: "channel names are 1-64 characters of A-Z a-z 0-9 _ - ."
        case .handshake(let error): Self.message(error)
        }
    }

    package var fields: [HTTPError.HeaderField] {
        guard case .handshake(let error) = self else { return [] }
        return error.headers.map { HTTPError.HeaderField($0.name, $0.value) }
    }

    private static func message(_ error: HandshakeError) -> String {
        switch error {
        case .methodNotAllowed: "a WebSocket handshake is a GET request"
        case .unsupportedHTTPVersion: "a WebSocket handshake needs HTTP/1.1"
        case .missingHost: "missing Host"
        case .missingUpgradeToken: "missing Upgrade: websocket"
        case .missingConnectionUpgrade: "missing Connection: Upgrade"
        case .invalidKey: "Sec-WebSocket-Key must be base64 of 16 bytes"
        case .unsupportedVersion: "only WebSocket version 13 is supported"
        case .forbiddenOrigin: "origin not allowed"
        }
    }
}
