/// The wanted set of a subscriber connection, reconciled with the wire.
extension RedisConnectionMachine {
    /// Adds to the wanted set; written at once when ready, else after the next handshake.
    package mutating func subscribe(_ subscriptions: [RedisSubscription], now: Instant) -> [Action] {
        guard phase != .closed else { return [] }
        let added = subscriptions.filter { wanted.insert($0).inserted }
        guard phase == .ready else { return [] }
        var actions: [Action] = []
        writeSubscriptions(added.filter { !onWire.contains($0) }.sorted(), subscribe: true, now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// Removes from the wanted set; messages still in flight for it are dropped.
    package mutating func unsubscribe(_ subscriptions: [RedisSubscription], now: Instant) -> [Action] {
        guard phase != .closed else { return [] }
        let removed = subscriptions.filter { wanted.remove($0) != nil }
        guard phase == .ready else { return [] }
        var actions: [Action] = []
        writeSubscriptions(removed.filter { onWire.contains($0) }.sorted(), subscribe: false, now: now, &actions)
        scheduleIfNeeded(&actions)
        return actions
    }

    /// One `SUBSCRIBE` for the channels and one `PSUBSCRIBE` for the patterns (or the UNSUBSCRIBE
    /// pair), with one pending entry per name: Redis confirms each name separately, in order.
    /// `sorted` must be sorted (channels before patterns), so entries follow the wire order.
    mutating func writeSubscriptions(_ sorted: [RedisSubscription], subscribe: Bool, now: Instant, _ actions: inout [Action]) {
        guard !sorted.isEmpty else { return }
        var bytes: [UInt8] = []
        let channels = sorted.compactMap { if case .channel(let name) = $0 { name } else { nil } }
        let patterns = sorted.compactMap { if case .pattern(let name) = $0 { name } else { nil } }
        if !channels.isEmpty {
            RESPEncoder.appendCommand([Array((subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE").utf8)] + channels.map { Array($0.utf8) }, to: &bytes)
        }
        if !patterns.isEmpty {
            RESPEncoder.appendCommand([Array((subscribe ? "PSUBSCRIBE" : "PUNSUBSCRIBE").utf8)] + patterns.map { Array($0.utf8) }, to: &bytes)
        }
        for subscription in sorted {
            entries.append(Entry(pending: subscribe ? .subscribe(subscription) : .unsubscribe(subscription), sentAt: now))
            if subscribe { onWire.insert(subscription) } else { onWire.remove(subscription) }
        }
        actions.append(.write(bytes))
    }
}
