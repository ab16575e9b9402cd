import PilotoConfig

/// `POST <p>/login`: parse, rate limit, check the password off-loop, then a fresh session.
extension AuthResponder {
    func login(_ request: HTTPRequest) -> RouteResponse {
        guard LoginRequest.isJSON(contentType: request.headers["Content-Type"]) else {
            return LoginError.notJSONContentType.response
        }
        let credentials: LoginRequest
        switch LoginRequest.parse(request.body) {
        case .success(let parsed): credentials = parsed
        case .failure(.tooLarge): return LoginError.bodyTooLarge.response
        case .failure(.notJSON): return LoginError.bodyNotJSON.response
        case .failure(.wrongShape(let why)): return LoginError.wrongShape(why).response
        }
        let address = addresses.address(of: request)
        let login = credentials.login
        // Both limits apply: one account from many addresses, and many accounts from one address.
        let waits = [byAddress.retryAfterSeconds(address), byLogin.retryAfterSeconds(login)].compactMap { $0 }
        if let wait = waits.max() {
            logger?.log(.warning, "login rate limited", fields: [("address", .string(address)), ("login", .string(login))])
            return LoginError.rateLimited(retryAfterSeconds: wait).response
        }
        // Never reuse the session the request came with (session fixation, OWASP): it is destroyed
        // and a new id issued.
        let previous = gate.sessionID(in: request)
        let promise = ResponsePromise()
        // Counted as a failure *before* hashing and forgiven on success: otherwise many parallel
        // guesses would all pass the check above while the first ones are still being hashed.
        byAddress.recordFailure(address)
        byLogin.recordFailure(login)
        let accepted = pool.submit { [self] in
            guard checkPassword(credentials) else {
                logger?.log(.notice, "login failed", fields: [("address", .string(address)), ("login", .string(login))])
                promise.complete(AuthGateError.notLoggedIn("wrong login or password").response)
                return
            }
            byAddress.forgive(address)
            byLogin.reset(login)
            startSession(login: login, replacing: previous, promise: promise)
        }
        guard accepted else {
            byAddress.forgive(address)
            byLogin.forgive(login)
            return LoginError.poolBusy.response
        }
        return .deferred(promise)
    }

    /// Runs on the hashing pool. Unknown logins hash against a decoy setting, so the time taken
    /// does not say whether the account exists.
    func checkPassword(_ credentials: LoginRequest) -> Bool {
        guard let stored = users.hash(for: credentials.login) else {
            _ = PasswordHasher.crypt(credentials.password, setting: decoySetting)
            return false
        }
        return PasswordHasher.verify(credentials.password, against: stored)
    }

    private func startSession(login: String, replacing previous: String?, promise: ResponsePromise) {
        let retry = gate.retryAfterSeconds
        let create: @Sendable () -> Void = { [store, cookies, logger] in
            store.create(login: login) { result in
                switch result {
                case .success(let session):
                    logger?.log(.info, "login", fields: [("login", .string(login))])
                    promise.complete(Self.loginBody(login, cookie: cookies.set(id: session.id)))
                case .failure(let error):
                    logger?.log(.error, "session store: \(error)")
                    promise.complete(AuthGateError.storeFailed(error, retryAfterSeconds: retry).response)
                }
            }
        }
        guard let previous else { return create() }
        store.destroy(id: previous) { _ in create() }
    }
}
