import PilotoConfig

/// The `handler: auth` route at prefix `<p>`:
/// - `POST <p>/login` `{"login","password"}` → 200 `{"login":…}` + a **new** session cookie; 401 on
///   wrong credentials; 429 + `Retry-After` when rate limited.
/// - `POST <p>/logout` → 204, the server session destroyed and the cookie expired.
/// - `GET <p>/me` → 200 `{"login":…}` or 401.
///
/// Anything else under `<p>` is 404; a known path with the wrong method is 405 with `Allow`
/// (RFC 9110 §15.5.6). A session store that is down gives 503 + `Retry-After`. Password checks run
/// on the `HashingPool`, never on the event loop; answers come back through a `ResponsePromise`.
package final class AuthResponder: Responder {
    package let prefix: String
    let store: any SessionStore
    let users: UserDirectory
    let gate: AuthGate
    let cookies: SessionCookieWriter
    let byAddress: LoginRateLimiter
    let byLogin: LoginRateLimiter
    let addresses: ClientAddressPolicy
    let pool: HashingPool
    let logger: Logger?
    /// A valid yescrypt setting with a random salt: unknown logins are hashed against it, so they
    /// cost the same time as known ones (no timing oracle on who has an account).
    let decoySetting: String

    /// - Parameters:
    ///   - prefix: the route path, e.g. `/api/auth`.
    ///   - limiterClock: the clock of the failed-login windows (tests move it by hand).
    package init(
        prefix: String, store: any SessionStore, users: UserDirectory, cookie: SessionCookie,
        addresses: ClientAddressPolicy = ClientAddressPolicy(), failureLimit: Int = 5,
        failureWindowMilliseconds: Int64 = 60_000, limiterClock: any WallClock = SystemWallClock(),
        pool: HashingPool = HashingPool(), logger: Logger?
    ) {
        self.prefix = prefix == "/" ? "" : prefix
        self.store = store
        self.users = users
        gate = AuthGate(store: store, cookieName: cookie.name)
        cookies = SessionCookieWriter(cookie)
        byAddress = LoginRateLimiter(limit: failureLimit, windowMilliseconds: failureWindowMilliseconds, clock: limiterClock)
        byLogin = LoginRateLimiter(limit: failureLimit, windowMilliseconds: failureWindowMilliseconds, clock: limiterClock)
        self.addresses = addresses
        self.pool = pool
        self.logger = logger
        decoySetting = PasswordHasher.newSetting() ?? "$y$j9T$decoydecoydecoydecoy0"
    }

    package func respond(to request: HTTPRequest) throws(HTTPError) -> RouteResponse {
        guard request.path.hasPrefix(prefix) else { throw HTTPError(.notFound) }
        let method = request.method
        switch request.path.dropFirst(prefix.count) {
        case "/login":
            guard method == "POST" else { throw .methodNotAllowed(allow: "POST") }
            return login(request)
        case "/logout":
            guard method == "POST" else { throw .methodNotAllowed(allow: "POST") }
            return logout(request)
        case "/me":
            guard method == "GET" || method == "HEAD" else { throw .methodNotAllowed(allow: "GET, HEAD") }
            return me(request)
        default:
            throw HTTPError(.notFound)
        }
    }

    // MARK: - /me and /logout

    private func me(_ request: HTTPRequest) -> RouteResponse {
        let promise = ResponsePromise()
        gate.check(request) { outcome in
            switch outcome {
            case .session(let session): promise.complete(Self.loginBody(session.login, cookie: nil))
            case .denied(let response): promise.complete(response)
            }
        }
        return .deferred(promise)
    }

    private func logout(_ request: HTTPRequest) -> RouteResponse {
        var headers = HTTPHeaders()
        headers.add("Set-Cookie", cookies.expire())
        headers.add("Cache-Control", "no-store")
        guard let id = gate.sessionID(in: request) else {
            return .response(HTTPResponse(status: .noContent, headers: headers))
        }
        let promise = ResponsePromise()
        let retry = gate.retryAfterSeconds
        let expired = headers
        store.destroy(id: id) { result in
            switch result {
            case .success: promise.complete(.response(HTTPResponse(status: .noContent, headers: expired)))
            case .failure(let error): promise.complete(AuthGateError.storeFailed(error, retryAfterSeconds: retry).response)
            }
        }
        return .deferred(promise)
    }

    // MARK: - Responses

    static func loginBody(_ login: String, cookie: String?) -> RouteResponse {
        var headers = HTTPHeaders()
        if let cookie { headers.add("Set-Cookie", cookie) }
        headers.add("Cache-Control", "no-store")
        return .response(.json(.ok, JSONValue.object([("login", .string(login))]).compact, headers: headers))
    }
}
