import PilotoConfig

/// The JSON stored under `piloto:session:<id>`: `{"login":"…","created_at":…,"expires_at":…}`.
///
/// Written with the shared RFC 8259 escaper so the bytes are stable; read with a strict little
/// decoder that accepts exactly what we write (in any key order) and nothing else, so a value
/// planted by something else in the same Redis reads as "no session" instead of a wrong one.
package enum RedisSessionRecord {
    package static func encode(_ session: Session) -> [UInt8] {
        var text = "{\"login\":"
        JSONString.append(session.login, to: &text)
        text += ",\"created_at\":\(session.createdAt),\"expires_at\":\(session.expiresAt)}"
        return Array(text.utf8)
    }

    package static func decode(_ bytes: [UInt8], id: String) -> Session? {
        guard let object = RedisSessionJSON.object(bytes) else { return nil }
        guard case .string(let login)? = object["login"], case .number(let created)? = object["created_at"],
            case .number(let expires)? = object["expires_at"]
        else { return nil }
        return Session(id: id, login: login, createdAt: created, expiresAt: expires)
    }
}

/// Just enough JSON (RFC 8259) for a flat object of strings and integers.
enum RedisSessionJSON {
    enum Value: Equatable {
        case string(String)
        case number(Int64)
    }

    static func object(_ bytes: [UInt8]) -> [String: Value]? {
        var i = 0
        func skipSpace() { while i < bytes.count, [32, 9, 10, 13].contains(bytes[i]) { i += 1 } }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        func string() -> String? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() -> Bool {
                guard let text = String(validating: raw, as: UTF8.self) else { return false }
                scalars.append(contentsOf: text.unicodeScalars)
                raw.removeAll()
                return true
            }
            while i < bytes.count {
                let byte = bytes[i]
                i += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return flush() ? String(scalars) : nil
                case UInt8(ascii: "\\"):
                    guard flush(), i < bytes.count else { return nil }
                    let escape = bytes[i]
                    i += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        // Only BMP non-surrogates: our writer escapes control characters only.
                        guard i + 4 <= bytes.count,
                            let code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16),
                            let scalar = Unicode.Scalar(code)
                        else { return nil }
                        scalars.append(scalar)
                        i += 4
                    default: return nil
                    }
                default:
                    if byte < 0x20 { return nil }
                    raw.append(byte)
                }
            }
            return nil
        }
        func number() -> Int64? {
            skipSpace()
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
            guard i - start <= 20 else { return nil }
            return Int64(String(decoding: bytes[start..<i], as: UTF8.self))
        }
        guard expect(UInt8(ascii: "{")) else { return nil }
        var result: [String: Value] = [:]
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            for _ in 0..<16 {
                guard let key = string(), expect(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                    guard let value = string() else { return nil }
                    result[key] = .string(value)
                } else {
                    guard let value = number() else { return nil }
                    result[key] = .number(value)
                }
                if expect(UInt8(ascii: ",")) { continue }
                guard expect(UInt8(ascii: "}")) else { return nil }
                skipSpace()
                return i == bytes.count ? result : nil
            }
            return nil
        }
        skipSpace()
        return i == bytes.count ? result : nil
    }
}
