/// One stored channel message: its offset, wall-clock time, and the frame text without
/// offset/epoch (spliced in at send time, once per channel, see `RealtimeEnvelope`).
package struct HistoryEntry: Sendable, Equatable {
    package var offset: Int64
    package var atMilliseconds: Int64
    package var payload: [UInt8]
}

/// The memory store's per-channel history: a ring bounded by message count *and* bytes, with
/// the items dropped `ttl` after the last publish.
///
/// Why both bounds: 500 × 64 KiB messages would break a 512 Mi instance, so `maxBytes` evicts
/// the oldest first. `top` and `epoch` outlive the items (TTL clears messages only), so a quiet
/// channel can still answer "nothing was missed". Time is passed in (monotonic milliseconds):
/// no clock inside, so tests move it by hand.
package struct ChannelHistory: Sendable {
    package let epoch: String
    /// The last offset assigned (0: nothing published yet in this epoch).
    package private(set) var top: Int64 = 0
    package private(set) var storedBytes = 0
    package private(set) var lastPublishMilliseconds: Int64?
    package let limits: Limits

    private var ring: [HistoryEntry?]
    private var head = 0
    package private(set) var count = 0

    package struct Limits: Sendable, Equatable {
        package var size: Int
        package var maxBytes: Int
        package var ttlMilliseconds: Int64

        package init(size: Int, maxBytes: Int, ttlMilliseconds: Int64) {
            self.size = max(0, size)
            self.maxBytes = max(0, maxBytes)
            self.ttlMilliseconds = ttlMilliseconds
        }
    }

    package init(epoch: String, limits: Limits) {
        self.epoch = epoch
        self.limits = limits
        ring = Array(repeating: nil, count: limits.size)
    }

    /// The oldest offset still stored, nil when nothing is.
    package var firstOffset: Int64? { count == 0 ? nil : ring[head]?.offset }

    /// Assigns the next offset and stores the message (unless it alone exceeds `maxBytes`, or
    /// history is off: the offset is still assigned, so live delivery stays contiguous).
    @discardableResult
    package mutating func append(payload: [UInt8], atMilliseconds: Int64, now: Int64) -> Int64 {
        expire(now: now)
        top += 1
        lastPublishMilliseconds = now
        guard limits.size > 0 else { return top }
        guard payload.count <= limits.maxBytes else {
            removeAll()  // keeping older items would leave a hole in the window
            return top
        }
        while count == limits.size || storedBytes + payload.count > limits.maxBytes { removeOldest() }
        ring[(head + count) % limits.size] = HistoryEntry(offset: top, atMilliseconds: atMilliseconds, payload: payload)
        count += 1
        storedBytes += payload.count
        return top
    }

    /// Drops every item once `ttl` has passed since the last publish (top and epoch stay).
    package mutating func expire(now: Int64) {
        guard let last = lastPublishMilliseconds, count > 0, now - last >= limits.ttlMilliseconds else { return }
        removeAll()
    }

    /// Entries with offset > `after`, oldest first, at most `limit` of them.
    package func entries(after: Int64, limit: Int = .max) -> [HistoryEntry] {
        var out: [HistoryEntry] = []
        guard let first = firstOffset else { return out }
        let skip = max(0, Int(clamping: after - first + 1))
        var index = skip
        while index < count && out.count < limit {
            if let entry = ring[(head + index) % limits.size] { out.append(entry) }
            index += 1
        }
        return out
    }

    /// The store's view for `RecoveryDecision` (after `expire(now:)`).
    package var position: StreamPosition { StreamPosition(epoch: epoch, top: top, firstStored: firstOffset) }

    private mutating func removeOldest() {
        guard count > 0, let entry = ring[head] else { return }
        storedBytes -= entry.payload.count
        ring[head] = nil
        head = (head + 1) % limits.size
        count -= 1
    }

    private mutating func removeAll() {
        while count > 0 { removeOldest() }
    }
}
