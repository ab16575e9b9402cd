/// Why the dashboard refused a request; rendered by `RefusalError.response`.
package enum DashboardError: RefusalError, Equatable {
    case notFound
    /// 405 listing the allowed methods (RFC 9110 §15.5.6).
    case readOnly
    /// 401 for the JSON and assets (the page gets `DashboardPage.loginRequired` instead).
    case loginRequired

    package var status: HTTPStatus {
        switch self {
        case .notFound: .notFound
        case .readOnly: .methodNotAllowed
        case .loginRequired: .unauthorized
        }
    }

    package var message: String {
        switch self {
        case .loginRequired: "login required"
        case .notFound, .readOnly: status.reason
        }
    }

    package var fields: [HTTPError.HeaderField] {
        switch self {
        case .notFound: []
        case .readOnly: [HTTPError.HeaderField("Allow", "GET, HEAD")]
        case .loginRequired: [.noStore]
        }
    }
}
