/// What a store knows about one channel's stream: the epoch, the top offset, and the oldest
/// offset still stored (nil when no item is stored: all expired, trimmed or never published).
package struct StreamPosition: Sendable, Equatable {
    package var epoch: String
    package var top: Int64
    package var firstStored: Int64?
}

/// Why a reconnect could not be recovered; the raw value is the wire `reason`.
package enum RecoveryFailure: String, Sendable, Equatable, CaseIterable {
    case epochChanged = "epoch_changed"
    case expired
    case tooMany = "too_many"
    case ahead
    case unavailable
}

/// The outcome the `hello` frame reports.
package enum RecoveryOutcome: Sendable, Equatable {
    /// No position asked for: a fresh join (`recovered:false`, no reason; `last=k` may backfill).
    case fresh
    /// Replay offsets `from...through` (empty when `from > through`: up to date, `missed:0`).
    case recovered(from: Int64, through: Int64)
    case failed(RecoveryFailure)

    package var missed: Int64 {
        if case .recovered(let from, let through) = self { return max(0, through - from + 1) }
        return 0
    }
}

/// The one rule that decides whether a reconnecting client's position can be continued.
///
/// Never partial (Centrifugo's rule, research §1): either every missed message is replayed, or
/// `recovered:false` with a reason and the client reloads. Checked in this order: store down →
/// `unavailable`; other epoch → `epoch_changed` (offsets of another epoch mean nothing);
/// beyond top → `ahead` (a rewound store); a missed message no longer stored → `expired`; more
/// missed than `maxReplay` → `too_many`.
package enum RecoveryDecision {
    package static func decide(
        epoch requestedEpoch: String?, offset requestedOffset: Int64?, stream: StreamPosition?, maxReplay: Int64
    ) -> RecoveryOutcome {
        guard let stream else { return .failed(.unavailable) }
        guard let requestedEpoch, let requestedOffset else { return .fresh }
        guard requestedEpoch == stream.epoch else { return .failed(.epochChanged) }
        guard requestedOffset >= 0, requestedOffset <= stream.top else { return .failed(.ahead) }
        if requestedOffset == stream.top { return .recovered(from: stream.top + 1, through: stream.top) }
        guard let first = stream.firstStored, first <= requestedOffset + 1 else { return .failed(.expired) }
        guard stream.top - requestedOffset <= maxReplay else { return .failed(.tooMany) }
        return .recovered(from: requestedOffset + 1, through: stream.top)
    }
}
