import PilotoConfig

/// The body of `POST <auth>/login`: `{"login": "...", "password": "..."}` (RFC 8259 JSON).
package struct LoginRequest: Sendable, Equatable {
    package var login: String
    package var password: String

    /// Bodies past this are refused before parsing: credentials are tiny.
    package static let maxBodyBytes = 8192
    /// Longer passwords are refused (400) instead of hashed: yescrypt would take them, but nobody
    /// types 1 KiB, and bounded input keeps hashing cost predictable.
    package static let maxPasswordBytes = 1024

    package enum ParseError: Error, Sendable, Equatable {
        case tooLarge
        case notJSON
        /// Valid JSON, but not an object with string `login` and `password`.
        case wrongShape(String)
    }

    /// Parses with the package's strict RFC 8259 `JSONParser` (no comments, no trailing commas,
    /// valid UTF-8; any bytes in, an error out, never a crash). A repeated key counts once, its
    /// last value.
    package static func parse(_ body: [UInt8]) -> Result<LoginRequest, ParseError> {
        guard body.count <= maxBodyBytes else { return .failure(.tooLarge) }
        guard let document = try? JSONParser.parse(body) else { return .failure(.notJSON) }
        guard case .object = document else { return .failure(.wrongShape("expected a JSON object")) }
        guard let login = document["login"]?.stringValue, let password = document["password"]?.stringValue else {
            return .failure(.wrongShape("expected string fields 'login' and 'password'"))
        }
        guard login.utf8.count <= 128, password.utf8.count <= maxPasswordBytes else {
            return .failure(.wrongShape("login or password too long"))
        }
        return .success(LoginRequest(login: login, password: password))
    }

    /// True for `application/json` with any parameters (`; charset=utf-8`), case-insensitively
    /// (RFC 9110 §8.3.1: type and subtype are case-insensitive).
    package static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return mediaType.trimmingOWS().asciiCaseInsensitiveEquals("application/json")
    }
}
