/// Why `POST <p>/login` was refused before a password was checked; rendered by
/// `RefusalError.response` (a wrong password is `AuthGateError.notLoggedIn`).
package enum LoginError: RefusalError, Equatable {
    case notJSONContentType
    case bodyTooLarge
    case bodyNotJSON
    case wrongShape(String)
    /// 429 (RFC 6585 §4): too many failures for this address or login.
    case rateLimited(retryAfterSeconds: Int)
    /// 503: the hashing pool's queue is full.
    case poolBusy

    package var status: HTTPStatus {
        switch self {
        case .notJSONContentType: .unsupportedMediaType
        case .bodyTooLarge: .contentTooLarge
        case .bodyNotJSON, .wrongShape: .badRequest
        case .rateLimited: .tooManyRequests
        case .poolBusy: .serviceUnavailable
        }
    }

    package var message: String {
        switch self {
        case .notJSONContentType: "expected Content-Type: application/json"
        case .bodyTooLarge: "login body too large"
        case .bodyNotJSON: "body is not valid JSON"
        case .wrongShape(let why): why
        case .rateLimited: "too many failed logins; try again later"
        case .poolBusy: "too many logins in progress"
        }
    }

    package var fields: [HTTPError.HeaderField] {
        switch self {
        case .notJSONContentType, .bodyTooLarge, .bodyNotJSON, .wrongShape: []
        case .rateLimited(let seconds): [.retryAfter(seconds), .noStore]
        case .poolBusy: [.retryAfter(1)]
        }
    }
}
