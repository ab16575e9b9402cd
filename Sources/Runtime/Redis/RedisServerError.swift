/// An error reply from the server (`-NOSCRIPT No matching script…`), classified by its first word
/// (the "error prefix" of the RESP spec) so callers branch on a case, never on message text.
///
/// The connection stays usable after one of these: it is an answer, not a failure of the link.
package struct RedisServerError: Error, Sendable, Equatable {
    /// The error prefix Redis puts first. The cases are the ones piloto reacts to; anything else
    /// keeps its prefix in `.other`.
    package enum Code: Sendable, Equatable {
        /// `ERR`: the generic error (wrong arguments, not an integer, …).
        case err
        /// `NOSCRIPT`: `EVALSHA` for a script the server does not have cached (after a restart or
        /// `SCRIPT FLUSH`); the caller sends the same script with `EVAL`.
        case noScript
        /// `WRONGTYPE`: the key holds another type.
        case wrongType
        /// `NOAUTH`: a password is required and was not sent.
        case noAuth
        /// `WRONGPASS`: AUTH with a wrong user or password (Redis 6+).
        case wrongPass
        /// `NOPERM`: the ACL user may not run this command or touch this key.
        case noPerm
        /// `LOADING`: the server is loading its dataset after a restart.
        case loading
        /// `BUSY`: a script is running too long.
        case busy
        /// `READONLY`: a replica was written to (after a failover, the client talks to the old primary).
        case readOnly
        /// Any other prefix, as sent (`EXECABORT`, `MASTERDOWN`, …).
        case other(String)
    }

    /// The whole error line, prefix included, as the server sent it.
    package let message: String

    package init(_ line: String) { message = line }

    /// Classified on demand, so `RedisError` stays the size of one string. (With the code stored
    /// as well, throwing `RedisServicesError` crashed with SIGSEGV under Swift 6.3.1.)
    package var code: Code {
        let prefix = message.prefix { $0 != " " }
        return
            switch prefix {
            case "ERR": .err
            case "NOSCRIPT": .noScript
            case "WRONGTYPE": .wrongType
            case "NOAUTH": .noAuth
            case "WRONGPASS": .wrongPass
            case "NOPERM": .noPerm
            case "LOADING": .loading
            case "BUSY": .busy
            case "READONLY": .readOnly
            default: .other(String(prefix))
            }
    }
}
