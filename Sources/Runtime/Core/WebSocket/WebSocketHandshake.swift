/// The server side of the opening handshake (RFC 6455 §4.2.1 and §4.2.2), as a pure function:
/// request line and headers in, the accept value or a typed refusal out. It does not know about
/// the HTTP layer's types; the HTTP layer passes its header list as `(name, value)` pairs, in order.
///
/// Neither subprotocols nor extensions are negotiated: the 101 carries no `Sec-WebSocket-Protocol`
/// and no `Sec-WebSocket-Extensions`, so RSV bits stay reserved (the frame parser rejects them).
package enum WebSocketHandshake {
    /// The GUID appended to the key before hashing (RFC 6455 §1.3, §4.2.2 step 5.4).
    package static let magicGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// An accepted upgrade.
    package struct Accepted: Sendable, Equatable {
        /// The `Sec-WebSocket-Accept` value; the responder puts it in the 101 with `Upgrade` and `Connection`.
        package var acceptValue: String
    }

    /// `base64(SHA-1(key + GUID))` (RFC 6455 §4.2.2 step 5.4). The key is used as sent (trimmed).
    package static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + magicGUID).utf8)))
    }

    /// Checks an upgrade request rule by rule and computes the accept value for the 101.
    /// - Parameters:
    ///   - method: the request method as sent (`GET`).
    ///   - version: the HTTP version as sent (`HTTP/1.1`).
    ///   - headers: every header field in order; names are compared case-insensitively.
    ///   - origins: the Origin policy of the route.
    /// - Throws: the first rule broken, in RFC order (the Origin check comes last, so a malformed
    ///   request is a 400 whatever its origin).
    package static func accept(
        method: String, version: String, headers: [(name: String, value: String)], origins: WebSocketOriginPolicy
    ) throws(HandshakeError) -> Accepted {
        // §4.2.1 item 1: "An HTTP/1.1 or higher GET request". Methods are case-sensitive (RFC 9110 §9.1).
        guard method == "GET" else { throw .methodNotAllowed(method) }
        guard isHTTP11OrHigher(version) else { throw .unsupportedHTTPVersion(version) }

        // §4.2.1 item 2: "A |Host| header field containing the server's authority". The HTTP layer
        // already refuses requests without Host; a repeated or empty one is refused here too.
        let hosts = values(of: "host", in: headers)
        guard hosts.count == 1, !hosts[0].isEmpty else { throw .missingHost }

        // §4.2.1 item 3: "An |Upgrade| header field containing the value "websocket", treated as an
        // ASCII case-insensitive value". Upgrade is a comma list of protocols (RFC 9110 §7.8).
        guard tokens(of: "upgrade", in: headers).contains("websocket") else { throw .missingUpgradeToken }

        // §4.2.1 item 4: "A |Connection| header field that includes the token "Upgrade"", case-insensitive,
        // in a comma list that may be spread over several header lines (`Connection: keep-alive, Upgrade`).
        guard tokens(of: "connection", in: headers).contains("upgrade") else { throw .missingConnectionUpgrade }

        // §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value that, when
        // decoded, is 16 bytes in length". Exactly one such header.
        let keys = values(of: "sec-websocket-key", in: headers)
        guard keys.count == 1, let decoded = Base64.decode(keys[0]), decoded.count == 16 else { throw .invalidKey }

        // §4.2.1 item 6: "A |Sec-WebSocket-Version| header field, with a value of 13"; otherwise §4.4:
        // 426 with the versions we support. Missing counts as unsupported: the client learns what we speak.
        let versions = values(of: "sec-websocket-version", in: headers)
        guard versions.count == 1, versions[0] == "13" else { throw .unsupportedVersion(versions.first) }

        // §4.2.1 item 7 and §10.2: "|Origin| ... if the server does not validate the origin, it will
        // accept connections from anywhere". We do validate: see WebSocketOriginPolicy. A repeated
        // Origin is ambiguous and refused.
        let originValues = values(of: "origin", in: headers)
        guard originValues.count <= 1 else { throw .forbiddenOrigin(originValues.first) }
        guard origins.allows(originValues.first) else { throw .forbiddenOrigin(originValues.first) }

        // §4.2.1 items 8-9 (subprotocols, extensions) are optional: none are negotiated.
        // §4.2.2 step 5: the 101 response.
        return Accepted(acceptValue: acceptValue(forKey: keys[0]))
    }

    /// `HTTP/1.1`, or a later `HTTP/1.x`; HTTP/2 and HTTP/3 upgrades use other mechanisms (RFC 8441).
    private static func isHTTP11OrHigher(_ version: String) -> Bool {
        guard version.hasPrefix("HTTP/1.") else { return false }
        let minor = version.dropFirst("HTTP/1.".count)
        guard !minor.isEmpty, minor.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(minor) else {
            return false
        }
        return number >= 1
    }

    /// Every value of header `name` (lower-case), trimmed, in order.
    private static func values(of name: String, in headers: [(name: String, value: String)]) -> [String] {
        headers.filter { $0.name.lowercased() == name }.map { WebSocketHeaderText.trim($0.value) }
    }

    /// Lower-cased comma-list tokens of every `name` header line.
    private static func tokens(of name: String, in headers: [(name: String, value: String)]) -> [String] {
        values(of: name, in: headers).flatMap { line in
            line.split(separator: ",").map { WebSocketHeaderText.trim($0).lowercased() }
        }
    }
}
