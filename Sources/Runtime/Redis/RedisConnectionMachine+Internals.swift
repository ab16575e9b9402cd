/// Connect, fail, deadlines and the timer of `RedisConnectionMachine`.
extension RedisConnectionMachine {
    mutating func beginConnect(now: Instant, _ actions: inout [Action]) {
        phase = .connecting(deadline: now.advanced(by: configuration.connectTimeout))
        report(.connecting, &actions)
        actions.append(.connect(host: configuration.url.host, port: configuration.url.port))
    }

    /// Closes the socket, fails everything pending with `error` (or `.connectionFailed(reason)`)
    /// and schedules the next attempt after a jittered back-off.
    mutating func failConnection(reason: String, error: RedisError?, socketOpen: Bool, now: Instant, _ actions: inout [Action]) {
        if socketOpen { actions.append(.close) }
        parser.reset()
        onWire = []
        resubscribing = nil
        nextPingAt = nil
        lastFailure = reason
        let delay = backoff.nextDelay(using: &random)
        phase = .backingOff(until: now.advanced(by: .milliseconds(delay)))
        report(.disconnected(reason), &actions)
        failPending(error ?? .connectionFailed(reason), &actions)
    }

    /// Fails every command written or held, in the order they were submitted.
    mutating func failPending(_ error: RedisError, _ actions: inout [Action]) {
        for entry in entries[head...] {
            if case .command(let tag) = entry.pending { actions.append(.fail(tag, error)) }
        }
        entries.removeAll()
        head = 0
        for command in held { actions.append(.fail(command.tag, error)) }
        held.removeAll()
    }

    /// Reports a state once per change; nothing after `.closed`.
    mutating func report(_ state: RedisConnectionState, _ actions: inout [Action]) {
        guard reportedState != .closed, reportedState != state else { return }
        reportedState = state
        actions.append(.stateChanged(state))
    }

    /// When the oldest unanswered entry times out (see the type's doc comment).
    var headDeadline: Instant? {
        guard head < entries.count else { return nil }
        let start = max(entries[head].sentAt, lastReadAt ?? entries[head].sentAt)
        return start.advanced(by: configuration.commandTimeout)
    }

    mutating func expireHeld(now: Instant, _ actions: inout [Action]) {
        // Held in submission order with one fixed wait each, so deadlines are sorted.
        var expired = 0
        while expired < held.count, held[expired].deadline <= now {
            actions.append(.fail(held[expired].tag, .timeout))
            expired += 1
        }
        if expired > 0 { held.removeFirst(expired) }
    }

    /// The earliest pending deadline for the current phase.
    var nextDeadline: Instant? {
        var candidates: [Instant] = []
        switch phase {
        case .idle, .closed: return nil
        case .backingOff(let until): candidates.append(until)
        case .connecting(let deadline): candidates.append(deadline)
        case .handshaking:
            if let deadline = headDeadline { candidates.append(deadline) }
        case .ready:
            if let deadline = headDeadline { candidates.append(deadline) }
            if configuration.isSubscriber, let at = nextPingAt { candidates.append(at) }
        }
        if let first = held.first { candidates.append(first.deadline) }
        return candidates.min()
    }

    mutating func scheduleIfNeeded(_ actions: inout [Action]) {
        guard let deadline = nextDeadline, deadline != scheduled else { return }
        scheduled = deadline
        actions.append(.scheduleTimer(at: deadline))
    }

    func describe(_ pending: Pending) -> String {
        switch pending {
        case .handshake(.auth): "AUTH"
        case .handshake(.select): "SELECT"
        case .handshake(.info): "INFO"
        case .command: "command"
        case .subscribe(.channel): "SUBSCRIBE"
        case .subscribe(.pattern): "PSUBSCRIBE"
        case .unsubscribe(.channel): "UNSUBSCRIBE"
        case .unsubscribe(.pattern): "PUNSUBSCRIBE"
        case .ping: "PING"
        }
    }
}
