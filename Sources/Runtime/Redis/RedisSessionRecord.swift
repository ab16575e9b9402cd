import PilotoConfig

/// The JSON stored under `piloto:session:<id>`: `{"login":"…","created_at":…,"expires_at":…}`.
///
/// Written with the shared RFC 8259 escaper so the bytes are stable; read with the package's
/// strict `JSONParser`, in any key order, so a value planted by something else in the same Redis
/// (not JSON, not an object, a non-string login, non-integer times) reads as "no session" instead
/// of a wrong one.
package enum RedisSessionRecord {
    package static func encode(_ session: Session) -> [UInt8] {
        var text = "{\"login\":"
        JSONString.append(session.login, to: &text)
        text += ",\"created_at\":\(session.createdAt),\"expires_at\":\(session.expiresAt)}"
        return Array(text.utf8)
    }

    package static func decode(_ bytes: [UInt8], id: String) -> Session? {
        guard let record = try? JSONParser.parse(bytes), case .object = record,
            let login = record["login"]?.stringValue, let created = record["created_at"]?.int64Value,
            let expires = record["expires_at"]?.int64Value
        else { return nil }
        return Session(id: id, login: login, createdAt: created, expiresAt: expires)
    }
}
