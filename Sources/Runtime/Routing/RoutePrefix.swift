import Glibc

/// A route's path as bytes, matched the way `Route.matches` does (`/api` matches `/api` and
/// `/api/x`, not `/apix`; `/` matches every absolute path), against the request path's own UTF-8
/// storage.
///
/// Why a copy of the rule: the router runs it for every route before the one that wins, on every
/// request. Through `Route` that cost a copy of each `Route` (retains of all its strings) and a
/// generic `starts(with:)`; here it is a length check and one `memcmp`. `RoutePrefixTests` checks
/// the two agree.
struct RoutePrefix: Sendable {
    private let bytes: [UInt8]
    private let isRoot: Bool

    init(_ path: String) {
        bytes = Array(path.utf8)
        isRoot = path == "/"
    }

    func matches(_ request: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let requestStart = request.baseAddress, !request.isEmpty else { return false }
        if isRoot { return request[0] == UInt8(ascii: "/") }
        guard request.count >= bytes.count else { return false }
        let same = bytes.withUnsafeBufferPointer { prefix in
            prefix.isEmpty || memcmp(prefix.baseAddress!, requestStart, prefix.count) == 0
        }
        return same && (request.count == bytes.count || request[bytes.count] == UInt8(ascii: "/"))
    }
}
