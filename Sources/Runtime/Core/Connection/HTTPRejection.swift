/// Why bytes from a client never became a request: the typed error, kept typed up to the log line.
///
/// The connection state machine records it when it emits `.reject`; the observer (metrics and the
/// access log, in PilotoRuntime) turns it into text at that boundary and nowhere before.
package enum HTTPRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request head or body broke HTTP/1.1's grammar or framing.
    case parse(HTTPParseError)
    /// The request line was well formed but its target was not (bad escape, dot segments, …).
    case target(RequestTargetError)

    package var description: String {
        switch self {
        case .parse(let error): "\(error)"
        case .target(let error): "target: \(error)"
        }
    }
}
