/// piloto's own answer for a proxied request when nothing was relayed yet; rendered by
/// `RefusalError.response`, JSON like the rest of `/api`.
package enum ProxyError: RefusalError, Equatable {
    /// 502 + `Retry-After: 1`: unresolved, refused, closed or broken before answering.
    case unavailable(String)
    /// 504: no connection, answer or upload progress in time.
    case timedOut(String)
    /// 413 while streaming the body: the upstream request is dropped unfinished.
    case bodyTooLarge(maxBody: Int)

    package var status: HTTPStatus {
        switch self {
        case .unavailable: .badGateway
        case .timedOut: .gatewayTimeout
        case .bodyTooLarge: .contentTooLarge
        }
    }

    package var message: String {
        switch self {
        case .unavailable(let why), .timedOut(let why): why
        case .bodyTooLarge(let maxBody): "request body larger than \(maxBody) bytes"
        }
    }

    package var leadingFields: [HTTPError.HeaderField] {
        switch self {
        case .unavailable: [.retryAfter(1)]
        case .timedOut, .bodyTooLarge: []
        }
    }

    package var fields: [HTTPError.HeaderField] {
        switch self {
        case .unavailable, .timedOut: [.noStore]
        case .bodyTooLarge: []
        }
    }
}
