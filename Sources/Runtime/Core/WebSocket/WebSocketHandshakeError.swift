/// Why an upgrade request was refused, with the status and headers of the response it becomes
/// (the responder builds that response).
package enum HandshakeError: Error, Sendable, Equatable {
    /// RFC 6455 §4.2.1 item 1: the method must be GET.
    case methodNotAllowed(String)
    /// RFC 6455 §4.2.1 item 1: HTTP/1.1 or higher.
    case unsupportedHTTPVersion(String)
    /// RFC 6455 §4.2.1 item 2: a `Host` header (exactly one, non-empty).
    case missingHost
    /// RFC 6455 §4.2.1 item 3: `Upgrade` must contain the token `websocket`.
    case missingUpgradeToken
    /// RFC 6455 §4.2.1 item 4: `Connection` must contain the token `upgrade`.
    case missingConnectionUpgrade
    /// RFC 6455 §4.2.1 item 5: `Sec-WebSocket-Key` missing, repeated, or not base64 of 16 bytes.
    case invalidKey
    /// RFC 6455 §4.2.1 item 6 and §4.4: version missing or not 13 → 426 naming the version we speak.
    case unsupportedVersion(String?)
    /// RFC 6455 §10.2: the `Origin` is not allowed (cross-site WebSocket hijacking), or missing
    /// outside dev mode, or repeated.
    case forbiddenOrigin(String?)

    /// The HTTP status code of the refusal.
    package var status: Int {
        switch self {
        case .methodNotAllowed: 405
        case .unsupportedHTTPVersion, .missingHost, .missingUpgradeToken, .missingConnectionUpgrade, .invalidKey: 400
        case .unsupportedVersion: 426
        case .forbiddenOrigin: 403
        }
    }

    /// Headers the refusal must carry, in a fixed order.
    package var headers: [(name: String, value: String)] {
        switch self {
        case .methodNotAllowed: [("Allow", "GET")]
        case .unsupportedVersion: [("Sec-WebSocket-Version", "13")]  // RFC 6455 §4.4
        default: []
        }
    }
}
