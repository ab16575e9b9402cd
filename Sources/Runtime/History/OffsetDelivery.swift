/// What to do with one live message for a member (or an instance) positioned at `last`.
package enum DeliveryAction: Sendable, Equatable {
    case deliver
    /// Already had it: a duplicate, or this instance's own echo coming back from Redis.
    case drop
    /// Offsets `from...through` are missing: fetch them (XRANGE) or, if that fails, `reset`.
    case gap(from: Int64, through: Int64)
    /// The stream restarted under another epoch: `reset` to the new position.
    case epochChanged
}

/// The per-member delivery-by-offset rule: each offset exactly once, in order, within an epoch.
package enum OffsetDelivery {
    package static func classify(epoch: String, offset: Int64, currentEpoch: String, last: Int64) -> DeliveryAction {
        guard epoch == currentEpoch else { return .epochChanged }
        if offset <= last { return .drop }
        if offset == last + 1 { return .deliver }
        return .gap(from: last + 1, through: offset - 1)
    }
}

/// The race-free join: live messages are buffered from before the history read, then merged.
///
/// Sequence (research "Server core"): subscribe, buffer live, read history, `merge`, send
/// `hello` + the replay, then flush the buffer skipping what was sent (`merge` already did).
package enum JoinMerge {
    package enum Result: Sendable, Equatable {
        /// Contiguous offsets `after+1 … last`, no duplicates; `last` is the member's new position.
        case contiguous([HistoryEntry], last: Int64)
        /// A hole the two sources could not cover (e.g. trimmed between the reads): `reset`.
        case gap(expected: Int64, found: Int64)
    }

    /// Merges `history` and `buffered` (each in any order, duplicates allowed) by offset,
    /// keeping the entries with offset > `after`.
    package static func merge(history: [HistoryEntry], buffered: [HistoryEntry], after: Int64) -> Result {
        let all = (history + buffered).filter { $0.offset > after }.sorted { $0.offset < $1.offset }
        var out: [HistoryEntry] = []
        out.reserveCapacity(all.count)
        var last = after
        for entry in all where entry.offset > last {
            guard entry.offset == last + 1 else { return .gap(expected: last + 1, found: entry.offset) }
            out.append(entry)
            last = entry.offset
        }
        return .contiguous(out, last: last)
    }

    /// The contiguous run after `after` (as `merge`), and what lies beyond its first hole, sorted and
    /// de-duplicated: the gap fill delivers the run, announces the hole (`reset`), then continues.
    package static func split(history: [HistoryEntry], buffered: [HistoryEntry], after: Int64)
        -> (run: [HistoryEntry], last: Int64, beyond: [HistoryEntry])
    {
        let all = (history + buffered).filter { $0.offset > after }.sorted { $0.offset < $1.offset }
        var run: [HistoryEntry] = []
        var beyond: [HistoryEntry] = []
        var last = after
        for entry in all {
            if let tail = beyond.last {
                if entry.offset > tail.offset { beyond.append(entry) }
            } else if entry.offset == last + 1 {
                run.append(entry)
                last = entry.offset
            } else if entry.offset > last + 1 {
                beyond.append(entry)
            }
        }
        return (run, last, beyond)
    }
}
