/// Static files, health and metrics only answer reads.
extension HTTPRequest {
    /// GET or HEAD.
    package var isRead: Bool { method == "GET" || method == "HEAD" }
}

extension HTTPError {
    /// RFC 9110 §15.5.6: a 405 lists the allowed methods.
    package static let readOnly = HTTPError.methodNotAllowed(allow: "GET, HEAD")
}
