/// What one connection is doing, exactly one thing at a time. It used to be three optionals and a
/// flag on the slot (`pending`, `exchange`, `upgraded`, `bodyPaused`); as an enum, combinations
/// that cannot happen (a promise pending on an upgraded connection, a paused body with no
/// exchange) cannot be written down. Pure: the loop performs the I/O a transition implies.
///
/// The payloads are `indirect` (boxed): the loop asks for the phase several times per request,
/// and with the payloads inline (a whole pending request, an existential) every ask copied the
/// large enum and ran its outlined tag lookup. Boxed, the enum is one word and the common
/// `.http` case is a compare; a box is allocated only when a promise, exchange or upgrade starts.
enum ConnectionPhase {
    /// Reading requests and answering them through the HTTP state machine.
    case http
    /// A request answered through a `ResponsePromise` that has not completed yet; nothing else is
    /// read or answered meanwhile.
    indirect case awaitingPromise(PendingResponse)
    /// A response the application streams itself (`ClientExchange`); nothing but its streamed
    /// request body is read meanwhile. `bodyPaused`: the exchange asked to stop receiving that
    /// body for now (back-pressure).
    indirect case exchange(ActiveExchange, bodyPaused: Bool)
    /// After a `101` (or a tunnel): bytes go to the upgraded protocol, never to HTTP again.
    indirect case upgraded(any UpgradedConnection)

    var pending: PendingResponse? {
        if case .awaitingPromise(let pending) = self { return pending }
        return nil
    }

    var exchange: ActiveExchange? {
        if case .exchange(let active, _) = self { return active }
        return nil
    }

    var upgraded: (any UpgradedConnection)? {
        if case .upgraded(let connection) = self { return connection }
        return nil
    }

    var bodyPaused: Bool {
        if case .exchange(_, let paused) = self { return paused }
        return false
    }

    /// True when the HTTP state machine may hand out its next action: plain HTTP, or an exchange
    /// taking its streamed request body and not paused.
    func admitsHTTPActions(streamingBody: Bool) -> Bool {
        switch self {
        case .http: return true
        case .exchange(_, let paused): return streamingBody && !paused
        case .awaitingPromise, .upgraded: return false
        }
    }

    /// True when the socket should be read now (HTTP or upgraded bytes, or a streamed body).
    func admitsReading(streamingBody: Bool) -> Bool {
        if case .upgraded = self { return true }
        return admitsHTTPActions(streamingBody: streamingBody)
    }

    /// Leaves the promise wait (answered or expired); nil when no promise was pending.
    mutating func takePending() -> PendingResponse? {
        guard case .awaitingPromise(let pending) = self else { return nil }
        self = .http
        return pending
    }

    /// Leaves the exchange (it ended one way or another); nil when none ran.
    mutating func takeExchange() -> ActiveExchange? {
        guard case .exchange(let active, _) = self else { return nil }
        self = .http
        return active
    }

    /// Swaps the running exchange (the real one replacing the placeholder), keeping a pause the
    /// placeholder already asked for.
    mutating func replaceExchange(with active: ActiveExchange) {
        guard case .exchange(_, let paused) = self else { return }
        self = .exchange(active, bodyPaused: paused)
    }

    /// Pauses or resumes the streamed request body; false when no exchange runs or nothing changed.
    mutating func setBodyPaused(_ paused: Bool) -> Bool {
        guard case .exchange(let active, let was) = self, was != paused else { return false }
        self = .exchange(active, bodyPaused: paused)
        return true
    }
}
