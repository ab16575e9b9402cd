/// A close status code (RFC 6455 §7.4). A struct rather than an enum because any code in 3000–4999
/// is valid on the wire and must round-trip.
package struct WebSocketCloseCode: RawRepresentable, Sendable, Equatable, Hashable {
    package var rawValue: UInt16

    package init(rawValue: UInt16) { self.rawValue = rawValue }
    package init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 1000: the purpose of the connection is fulfilled.
    package static let normalClosure = WebSocketCloseCode(1000)
    /// 1001: server shutdown, Cloud Run request timeout, or a peer that stopped answering pings.
    package static let goingAway = WebSocketCloseCode(1001)
    /// 1002: a framing or protocol rule was broken.
    package static let protocolError = WebSocketCloseCode(1002)
    /// 1003: a data type the endpoint cannot accept.
    package static let unsupportedData = WebSocketCloseCode(1003)
    /// 1005: "no status received". Reserved: never sent on the wire (RFC 6455 §7.4.1).
    package static let noStatusReceived = WebSocketCloseCode(1005)
    /// 1006: "abnormal closure". Reserved: never sent on the wire.
    package static let abnormalClosure = WebSocketCloseCode(1006)
    /// 1007: a text message (or close reason) that is not valid UTF-8.
    package static let invalidPayload = WebSocketCloseCode(1007)
    /// 1008: a policy was violated (here: a client too slow to read what it is sent).
    package static let policyViolation = WebSocketCloseCode(1008)
    /// 1009: a frame or message larger than the configured limit.
    package static let messageTooBig = WebSocketCloseCode(1009)
    /// 1010: the client expected an extension the server did not negotiate.
    package static let mandatoryExtension = WebSocketCloseCode(1010)
    /// 1011: the server hit an unexpected condition.
    package static let internalError = WebSocketCloseCode(1011)

    /// True for codes an endpoint may put in a close frame (RFC 6455 §7.4.1, §7.4.2 and the IANA
    /// registry): 1000–1003, 1007–1011 and the registered 1012–1014, plus 3000–4999 (libraries and
    /// applications). 1004 is reserved, 1005, 1006 and 1015 must never be sent; every other value below
    /// 3000 is unassigned and treated as a protocol error, as Autobahn case 7.9 expects.
    package var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1011: true
        case 1012...1014: true  // IANA: service restart, try again later, bad gateway
        case 3000...4999: true
        default: false
        }
    }
}
