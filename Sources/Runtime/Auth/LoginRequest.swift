import FoundationEssentials

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

    /// Parses with FoundationEssentials' `JSONDecoder` (strict RFC 8259: no comments, no trailing
    /// commas, JSON5 off; any bytes in, an error out, never a crash). `JSONSerialization` would
    /// need all of Foundation and its ICU data in the binary.
    package static func parse(_ body: [UInt8]) -> Result<LoginRequest, ParseError> {
        guard body.count <= maxBodyBytes else { return .failure(.tooLarge) }
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(body))
        } catch DecodingError.dataCorrupted {
            return .failure(.notJSON)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            return .failure(.wrongShape("expected a JSON object"))
        } catch {
            return .failure(.wrongShape("expected string fields 'login' and 'password'"))
        }
        guard fields.login.utf8.count <= 128, fields.password.utf8.count <= maxPasswordBytes else {
            return .failure(.wrongShape("login or password too long"))
        }
        return .success(LoginRequest(login: fields.login, password: fields.password))
    }

    /// The two members read; others are ignored, as `JSONSerialization` plus lookups did.
    private struct Fields: Decodable {
        var login: String
        var password: String
    }

    /// True for `application/json` with any parameters (`; charset=utf-8`), case-insensitively
    /// (RFC 9110 §8.3.1: type and subtype are case-insensitive).
    package static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return mediaType.trimmingOWS().asciiCaseInsensitiveEquals("application/json")
    }
}
