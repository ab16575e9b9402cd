import PilotoConfig

/// `POST <p>/login`: parse, rate limit, check the password off-loop, then a fresh session.
extension AuthResponder {
    func login(_ request: HTTPRequest) -> RouteResponse {
        guard LoginRequest.isJSON(contentType: request.headers["Content-Type"]) else {
            return .response(HTTPError(.unsupportedMediaType, "expected Content-Type: application/json").response)
        }
        let credentials: LoginRequest
        switch LoginRequest.parse(request.body) {
        case .success(let parsed): credentials = parsed
        case .failure(.tooLarge): return .response(HTTPError(.contentTooLarge, "login body too large").response)
        case .failure(.notJSON): return .response(HTTPError(.badRequest, "body is not valid JSON").response)
        case .failure(.wrongShape(let why)): return .response(HTTPError(.badRequest, why).response)
        }
        let address = addresses.address(of: request)
        let login = credentials.login
        // Both limits apply: one account from many addresses, and many accounts from one address.
        let waits = [byAddress.retryAfterSeconds(address), byLogin.retryAfterSeconds(login)].compactMap { $0 }
        if let wait = waits.max() {
            logger?.log(.warning, "login rate limited", fields: [("address", .string(address)), ("login", .string(login))])
            return Self.tooManyRequests(retryAfterSeconds: wait)
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
                promise.complete(AuthGate.unauthorized("wrong login or password"))
                return
            }
            byAddress.forgive(address)
            byLogin.reset(login)
            startSession(login: login, replacing: previous, promise: promise)
        }
        guard accepted else {
            byAddress.forgive(address)
            byLogin.forgive(login)
            var response = HTTPError(.serviceUnavailable, "too many logins in progress").response
            response.headers.add("Retry-After", "1")
            return .response(response)
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
                    promise.complete(AuthGate.storeFailure(error, retryAfterSeconds: retry))
                }
            }
        }
        guard let previous else { return create() }
        store.destroy(id: previous) { _ in create() }
    }
}
