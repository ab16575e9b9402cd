/// Why the session gate refused a request; rendered by `RefusalError.response`.
package enum AuthGateError: RefusalError, Equatable {
    /// 401: no session, or a wrong password. The scheme is a cookie, not HTTP authentication, so
    /// there is no `WWW-Authenticate` challenge (RFC 9110 §15.5.2; browsers ignore unknown ones).
    case notLoggedIn(String)
    /// 503: the session store is down or full.
    case storeFailed(SessionStoreError, retryAfterSeconds: Int)

    package var status: HTTPStatus {
        switch self {
        case .notLoggedIn: .unauthorized
        case .storeFailed: .serviceUnavailable
        }
    }

    package var message: String {
        switch self {
        case .notLoggedIn(let message): message
        case .storeFailed(.unavailable, _): "sessions are temporarily unavailable"
        case .storeFailed(.full, _): "too many active sessions"
        }
    }

    package var fields: [HTTPError.HeaderField] {
        switch self {
        case .notLoggedIn: [.noStore]
        case .storeFailed(_, let seconds): [.retryAfter(seconds), .noStore]
        }
    }
}

extension HTTPError.HeaderField {
    /// Auth answers are never cached (they depend on the cookie).
    static let noStore = HTTPError.HeaderField("Cache-Control", "no-store")

    /// RFC 9110 §10.2.3.
    static func retryAfter(_ seconds: Int) -> HTTPError.HeaderField {
        HTTPError.HeaderField("Retry-After", String(seconds))
    }
}
