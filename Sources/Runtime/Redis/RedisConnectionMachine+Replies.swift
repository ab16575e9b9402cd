/// Replies matched to the pending FIFO, the end of the handshake, and pub/sub pushes.
extension RedisConnectionMachine {
    /// Hands every complete value to `dispatch` until more bytes are needed or the connection failed.
    mutating func drain(now: Instant, _ actions: inout [Action]) {
        while phase == .handshaking || phase == .ready {
            let value: RESPValue?
            do {
                value = try parser.next()
            } catch {
                failConnection(reason: "protocol error: \(error)", error: .protocol(error), socketOpen: true, now: now, &actions)
                return
            }
            guard let value else { return }
            dispatch(value, now: now, &actions)
        }
    }

    mutating func dispatch(_ value: RESPValue, now: Instant, _ actions: inout [Action]) {
        if configuration.isSubscriber, let message = Self.pushedMessage(value) {
            // In flight when we unsubscribed: nobody wants it any more.
            if wanted.contains(message.subscription) { actions.append(.deliver(message)) }
            return
        }
        guard head < entries.count else {
            failConnection(reason: "reply without a command", error: nil, socketOpen: true, now: now, &actions)
            return
        }
        let entry = entries[head]
        popHead()
        let errorLine: String? = if case .error(let line) = value { line } else { nil }
        switch entry.pending {
        case .command(let tag):
            if let errorLine {
                actions.append(.fail(tag, .server(RedisServerError(errorLine))))
            } else {
                actions.append(.complete(tag, value))
            }
        case .handshake(let step):
            if let errorLine {
                let error = RedisServerError(errorLine)
                // INFO is only for the run id: refused by an ACL, the connection is still good.
                // NOAUTH there means the server wants a password we did not send.
                guard step == .info, error.code != .noAuth else {
                    failConnection(
                        reason: "\(describe(entry.pending)) failed: \(errorLine)", error: nil, socketOpen: true, now: now,
                        &actions)
                    return
                }
                finishHandshake(info: RedisServerInfo(), now: now, &actions)
            } else if step == .info {
                finishHandshake(info: RedisServerInfo(info: value.text ?? ""), now: now, &actions)
            }
        case .subscribe(let subscription):
            if let errorLine {
                // RESP2 answers a refused (P)SUBSCRIBE with one error for the whole command, so the
                // FIFO no longer lines up with the replies: only a fresh connection is trustworthy.
                return failConnection(
                    reason: "\(describe(entry.pending)) failed: \(errorLine)", error: nil, socketOpen: true, now: now, &actions)
            }
            confirmed(subscription, &actions)
        case .unsubscribe:
            if let errorLine {
                return failConnection(
                    reason: "\(describe(entry.pending)) failed: \(errorLine)", error: nil, socketOpen: true, now: now, &actions)
            }
        case .ping:
            break  // any answer (`+PONG`, or `["pong", ""]` in subscribed mode) proves the link is alive
        }
    }

    mutating func popHead() {
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    mutating func finishHandshake(info: RedisServerInfo, now: Instant, _ actions: inout [Action]) {
        phase = .ready
        backoff.reset()
        lastReadAt = now
        serverInfo = info
        if configuration.isSubscriber { nextPingAt = now.advanced(by: configuration.healthCheckInterval) }
        report(.connected, &actions)
        actions.append(.ready(info))
        let reconnect = hasBeenReady
        hasBeenReady = true
        if !held.isEmpty {
            var bytes: [UInt8] = []
            for command in held {
                bytes += command.bytes
                entries.append(Entry(pending: .command(command.tag), sentAt: now))
            }
            held.removeAll()
            actions.append(.write(bytes))
        }
        let batch = wanted.sorted()
        writeSubscriptions(batch, subscribe: true, now: now, &actions)
        if reconnect {
            if batch.isEmpty {
                actions.append(.resubscribed([]))
            } else {
                resubscribing = Set(batch)
                resubscribeBatch = batch
            }
        }
    }

    mutating func confirmed(_ subscription: RedisSubscription, _ actions: inout [Action]) {
        if wanted.contains(subscription) { actions.append(.subscribed(subscription)) }
        guard var waiting = resubscribing, waiting.remove(subscription) != nil else { return }
        if waiting.isEmpty {
            resubscribing = nil
            actions.append(.resubscribed(resubscribeBatch.filter { wanted.contains($0) }))
            resubscribeBatch = []
        } else {
            resubscribing = waiting
        }
    }

    /// `["message", channel, payload]` or `["pmessage", pattern, channel, payload]`; nil for
    /// anything else (confirmations and pongs answer a pending entry).
    static func pushedMessage(_ value: RESPValue) -> RedisPubSubMessage? {
        guard case .array(let items?) = value, let kind = items.first?.text else { return nil }
        if kind == "message", items.count == 3, let channel = items[1].text, case .bulkString(let payload?) = items[2] {
            return RedisPubSubMessage(channel: channel, payload: payload)
        }
        if kind == "pmessage", items.count == 4, let pattern = items[1].text, let channel = items[2].text,
            case .bulkString(let payload?) = items[3]
        {
            return RedisPubSubMessage(channel: channel, pattern: pattern, payload: payload)
        }
        return nil
    }
}
