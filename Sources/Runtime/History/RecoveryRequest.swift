/// What a client asked for in `GET /ws/<channel>?epoch=<e>&offset=<n>&last=<k>` (all optional).
///
/// `epoch` + `offset` ask for recovery from the last offset the client has; `last=k` asks for the
/// last k stored messages on a fresh join or when recovery fails. A value that is not what the
/// server could have given (a non-number offset, a negative `last`) is ignored rather than
/// refused: the client then gets a fresh `hello` and reloads, which is always safe.
package struct RecoveryRequest: Sendable, Equatable {
    package var epoch: String?
    package var offset: Int64?
    package var last: Int = 0

    /// From the raw query (the part after `?`, not percent-decoded: epochs and numbers never need it).
    package static func parse(query: Substring?) -> RecoveryRequest {
        var request = RecoveryRequest()
        guard let query else { return request }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let value = parts[1]
            switch parts[0] {
            case "epoch": if !value.isEmpty && value.utf8.count <= 64 { request.epoch = String(value) }
            case "offset": if let n = Int64(value), n >= 0 { request.offset = n }
            case "last": if let n = Int(value), n >= 0 { request.last = min(n, 10_000) }
            default: continue
            }
        }
        return request
    }
}
