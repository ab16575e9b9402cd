import PilotoConfig
import PilotoHTTPCore

/// A request ready for the upstream: piloto's own serialisation, never the client's bytes.
struct ProxyRequest: Sendable {
    let bytes: [UInt8]
    /// May be sent again if a reused connection fails before answering (`ProxyRetryPolicy`).
    let replayable: Bool
    let isHead: Bool
    /// The client speaks HTTP/1.0: an unknown-length body goes back close-delimited, not chunked.
    let clientIsHTTP10: Bool
    /// `Sec-WebSocket-Key` when this is an upgrade to forward (the `101` is checked against it).
    let websocketKey: String?
    /// How the body follows `bytes` when it streams from the client (`.length(n)` or `.chunked`);
    /// nil when `bytes` is the whole request.
    let streamedBody: BodyFraming?
}

/// Turns a client request into the upstream's: target mapping, header hygiene, forwarded headers
/// and the identity of the logged-in user.
struct ProxyRequestBuilder: Sendable {
    let routePrefix: String
    let stripPrefix: Bool
    let basePath: String
    let retry: ProxyRetry
    let identity: ProxyIdentity
    /// `sessions.identity_key` as bytes; nil when not configured.
    let identityKey: [UInt8]?
    /// `aud` of the assertion: `service.name`.
    let audience: String
    let trustedHops: Int
    /// What clients used to reach piloto: `https` behind Cloud Run, `http` in `--dev`.
    let forwardedProto: String
    let clock: @Sendable () -> Int64
    /// The last `Forwarded` value built: the same client keeps asking with the same address and Host.
    let forwardedCache = ForwardedCache()

    func build(_ request: HTTPRequest, session: Session?, websocketKey: String?) -> ProxyRequest {
        let target = ProxyTarget.path(
            requestPath: ProxyPathEncoding.encode(request.path), query: request.query, routePrefix: routePrefix, stripPrefix: stripPrefix,
            basePath: basePath)
        // The header list is only split when `trusted_hops` makes it matter.
        let forwardedFor = trustedHops > 0 && request.head.headers.contains("X-Forwarded-For") ? request.head.headers.listElements("X-Forwarded-For") : []
        let clientIP = ClientIP.resolve(forwardedFor: forwardedFor, peer: request.remote.ip, trustedHops: trustedHops)
        let host = request.head.headers["Host"] ?? ""
        var identityFields: [(name: String, value: String)] = []
        if let session {
            switch identity {
            case .off:
                break
            case .headers:
                identityFields.append(("X-Piloto-User", session.login))
            case .signed:
                if let key = identityKey {
                    let token = IdentityAssertion.sign(
                        login: session.login, sessionID: session.id, audience: audience, issuedAt: clock(), key: key)
                    identityFields.append(("X-Piloto-Assertion", token))
                }
            }
        }
        // A proxy route's body streams from the client (`Router.streamsRequestBody`): the head goes
        // out with piloto's own framing for it, the pieces follow as they arrive.
        var streamed: BodyFraming?
        switch request.head.framing {
        case .length(let length) where length > 0 && request.body.isEmpty: streamed = .length(length)
        case .chunked where request.body.isEmpty: streamed = .chunked
        default: streamed = nil
        }
        let contentLength: Int?
        switch streamed {
        case .length(let length): contentLength = length
        case .chunked: contentLength = nil
        case .none?, nil: contentLength = ProxyRequestWriter.bodyLength(method: request.head.method, request.body.count)
        }
        // The fields go straight into the bytes (`ProxyRequestWriter.serialize`'s layout).
        var bytes = ProxyRequestWriter.head(
            method: request.head.method, target: target, contentLength: contentLength,
            reserve: request.head.headers.lineBytes + request.body.count
        ) { out in
            ProxyRequestHeaders.forEachField(
                from: request.head.headers, clientIP: clientIP, proto: forwardedProto, host: host,
                forwarded: forwardedCache.value(clientIP: clientIP, proto: forwardedProto, host: host), identity: identityFields,
                websocket: websocketKey != nil, own: { out.appendField($0, $1) }, client: { out.append(contentsOf: $0.line) })
            if case .chunked = streamed { out.appendField("Transfer-Encoding", "chunked") }
        }
        if streamed == nil { bytes.append(contentsOf: request.body) }
        // Only a request that may be replayed takes a pooled connection (a stale one is replayed
        // once on a fresh connection); a streamed body is gone once sent, so it never is.
        let replayable = streamed == nil && ProxyRetryPolicy.mayReplay(
            method: request.head.method, hasBody: !request.body.isEmpty,
            hasIdempotencyKey: request.head.headers.contains("Idempotency-Key"), reachedUpstream: true, retry: retry)
        return ProxyRequest(
            bytes: bytes, replayable: replayable && websocketKey == nil, isHead: request.head.isHead,
            clientIsHTTP10: request.head.version == .http10, websocketKey: websocketKey, streamedBody: streamed)
    }
}
