import PilotoConfig

/// The signed identity piloto hands a proxied backend (`identity: signed`): an HS256 JWT
/// (RFC 7519, RFC 7515 compact form) in `X-Piloto-Assertion`.
///
/// Why signed and short-lived: a plain `X-Piloto-User` holds only while every path to the
/// backend crosses piloto; a backend reachable another way cannot tell a forged header from a real
/// one. A token bound to an issuer, an audience and a 60-second life can be checked (docs/proxy.md
/// ships the FastAPI dependency: `jwt.decode(token, key, algorithms=["HS256"], audience=…,
/// issuer="piloto")`). HS256 because HMAC-SHA-256 needs no third-party code; the key is
/// `sessions.identity_key`, shared with the backend.
package enum IdentityAssertion {
    /// The fixed JOSE header, pre-encoded: `{"alg":"HS256","typ":"JWT"}`.
    static let encodedHeader = Base64.encodeURL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// How long an assertion is valid: one request's worth, so a leaked one is soon useless.
    package static let lifetimeSeconds: Int64 = 60

    /// `header.claims.signature`. Claims in a fixed order (deterministic output): `iss: "piloto"`,
    /// `aud: audience` (the service name), `sub: login`, `iat: issuedAt` (Unix seconds),
    /// `exp: iat + 60`, `sid`: base64url(SHA-256(session id)) — lets the backend tell sessions
    /// apart (e.g. per-session caches, logout) without ever holding the id itself, which would
    /// be a bearer credential for the whole site.
    package static func sign(login: String, sessionID: String, audience: String, issuedAt: Int64, key: [UInt8]) -> String {
        var claims = "{\"iss\":\"piloto\",\"aud\":"
        JSONString.append(audience, to: &claims)
        claims += ",\"sub\":"
        JSONString.append(login, to: &claims)
        claims += ",\"iat\":\(issuedAt),\"exp\":\(issuedAt + lifetimeSeconds),\"sid\":"
        JSONString.append(sessionHash(sessionID), to: &claims)
        claims += "}"
        let signingInput = encodedHeader + "." + Base64.encodeURL(Array(claims.utf8))
        return signingInput + "." + Base64.encodeURL(HMACSHA256.mac(key: key, message: Array(signingInput.utf8)))
    }

    /// The `sid` claim: base64url(SHA-256(session id)), 43 characters.
    package static func sessionHash(_ sessionID: String) -> String {
        Base64.encodeURL(SHA256.hash(Array(sessionID.utf8)))
    }
}
