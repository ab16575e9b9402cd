import Testing
@testable import PilotoRuntime

/// A seeded generator: deterministic epochs and jitter in tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ChannelHistoryTests {
    static func history(size: Int = 3, maxBytes: Int = 1000, ttl: Int64 = 60_000) -> ChannelHistory {
        ChannelHistory(epoch: "E", limits: .init(size: size, maxBytes: maxBytes, ttlMilliseconds: ttl))
    }

    static func bytes(_ n: Int) -> [UInt8] { Array(repeating: UInt8(ascii: "x"), count: n) }

    @Test func offsetsStartAtOneAndGrowWithoutGaps() {
        var h = Self.history()
        let offsets = (0..<5).map { h.append(payload: Self.bytes(1), atMilliseconds: 0, now: Int64($0)) }
        #expect(offsets == [1, 2, 3, 4, 5])
        #expect(h.top == 5)
    }

    @Test func countBoundKeepsTheNewest() {
        var h = Self.history(size: 3)
        for t in 0..<5 { h.append(payload: Self.bytes(10), atMilliseconds: 0, now: Int64(t)) }
        #expect(h.entries(after: 0).map(\.offset) == [3, 4, 5])
        #expect(h.firstOffset == 3)
        #expect(h.count == 3)
        #expect(h.storedBytes == 30)
    }

    @Test func byteBoundEvictsOldestFirst() {
        var h = Self.history(size: 10, maxBytes: 25)
        for t in 0..<3 { h.append(payload: Self.bytes(10), atMilliseconds: 0, now: Int64(t)) }
        #expect(h.entries(after: 0).map(\.offset) == [2, 3])
        #expect(h.storedBytes == 20)
    }

    @Test func aMessageLargerThanTheBoundClearsTheWindowButKeepsItsOffset() {
        var h = Self.history(size: 10, maxBytes: 25)
        h.append(payload: Self.bytes(10), atMilliseconds: 0, now: 0)
        #expect(h.append(payload: Self.bytes(26), atMilliseconds: 0, now: 1) == 2)
        #expect(h.count == 0)
        #expect(h.position == StreamPosition(epoch: "E", top: 2, firstStored: nil))
    }

    @Test func ttlAfterLastPublishClearsItemsButKeepsTopAndEpoch() {
        var h = Self.history(ttl: 1000)
        h.append(payload: Self.bytes(1), atMilliseconds: 0, now: 0)
        h.append(payload: Self.bytes(1), atMilliseconds: 0, now: 500)
        h.expire(now: 1499)
        #expect(h.count == 2)  // 999 ms since the last publish
        h.expire(now: 1500)
        #expect(h.count == 0)
        #expect(h.position == StreamPosition(epoch: "E", top: 2, firstStored: nil))
        #expect(h.append(payload: Self.bytes(1), atMilliseconds: 0, now: 1600) == 3)
    }

    @Test func entriesAfterAnOffsetWithLimitAndWrap() {
        var h = Self.history(size: 4)
        for t in 0..<7 { h.append(payload: [UInt8(t)], atMilliseconds: Int64(t), now: Int64(t)) }
        #expect(h.entries(after: 4).map(\.offset) == [5, 6, 7])
        #expect(h.entries(after: 0, limit: 2).map(\.offset) == [4, 5])
        #expect(h.entries(after: 7).isEmpty)
        #expect(h.entries(after: 5).map(\.payload) == [[5], [6]])
    }

    @Test func sizeZeroStoresNothingYetNumbersOffsets() {
        var h = Self.history(size: 0)
        #expect(h.append(payload: Self.bytes(1), atMilliseconds: 0, now: 0) == 1)
        #expect(h.entries(after: 0).isEmpty)
    }

    @Test func epochsAreWellFormedAndComeFromTheInjectedSource() {
        var a = SplitMix64(state: 1)
        var b = SplitMix64(state: 1)
        let e1 = ChannelEpoch.make(using: &a)
        #expect(e1 == ChannelEpoch.make(using: &b))
        #expect(e1 != ChannelEpoch.make(using: &a))
        #expect(ChannelEpoch.isWellFormed(e1))
        #expect(ChannelEpoch.isWellFormed(ChannelEpoch.make()))
        #expect(!ChannelEpoch.isWellFormed("short"))
        #expect(!ChannelEpoch.isWellFormed("ABCDEFGHIJKLMNO-"))
    }
}

@Suite struct RecoveryDecisionTests {
    static let stream = StreamPosition(epoch: "E", top: 10, firstStored: 6)

    static func decide(_ epoch: String?, _ offset: Int64?, _ stream: StreamPosition? = stream, max: Int64 = 100)
        -> RecoveryOutcome
    {
        RecoveryDecision.decide(epoch: epoch, offset: offset, stream: stream, maxReplay: max)
    }

    @Test func upToDateIsRecoveredWithNothingMissed() {
        let outcome = Self.decide("E", 10)
        #expect(outcome == .recovered(from: 11, through: 10))
        #expect(outcome.missed == 0)
    }

    @Test func upToDateEvenWhenItemsExpired() {
        #expect(Self.decide("E", 10, StreamPosition(epoch: "E", top: 10, firstStored: nil)).missed == 0)
        #expect(Self.decide("E", 0, StreamPosition(epoch: "E", top: 0, firstStored: nil)) == .recovered(from: 1, through: 0))
    }

    @Test func inWindowReplaysExactlyTheMissed() {
        #expect(Self.decide("E", 7) == .recovered(from: 8, through: 10))
        #expect(Self.decide("E", 5) == .recovered(from: 6, through: 10))  // first stored is 6 = 5+1
        #expect(Self.decide("E", 5).missed == 5)
    }

    @Test func olderThanTheWindowIsExpired() {
        #expect(Self.decide("E", 4) == .failed(.expired))
        #expect(Self.decide("E", 0) == .failed(.expired))
        #expect(Self.decide("E", 3, StreamPosition(epoch: "E", top: 10, firstStored: nil)) == .failed(.expired))
    }

    @Test func beyondTopIsAhead() {
        #expect(Self.decide("E", 11) == .failed(.ahead))
        #expect(Self.decide("E", -1) == .failed(.ahead))
    }

    @Test func anotherEpochIsEpochChanged() {
        #expect(Self.decide("F", 10) == .failed(.epochChanged))
        #expect(Self.decide("F", 99) == .failed(.epochChanged))
    }

    @Test func moreThanTheReplayLimitIsTooMany() {
        #expect(Self.decide("E", 5, max: 4) == .failed(.tooMany))
        #expect(Self.decide("E", 6, max: 4) == .recovered(from: 7, through: 10))
    }

    @Test func storeDownIsUnavailableEvenWithoutAPosition() {
        #expect(Self.decide("E", 10, nil) == .failed(.unavailable))
        #expect(Self.decide(nil, nil, nil) == .failed(.unavailable))
    }

    @Test func noPositionIsAFreshJoin() {
        #expect(Self.decide(nil, nil) == .fresh)
        #expect(Self.decide("E", nil) == .fresh)
        #expect(Self.decide(nil, 3) == .fresh)
    }

    /// Exhaustive over a small space: the outcome always matches the documented order of checks,
    /// and a recovery always covers exactly the stored offsets `offset+1 … top`.
    @Test func exhaustiveSmallSpace() {
        for top in Int64(0)...6 {
            for first in [nil] + (1...7).map(Int64.init) as [Int64?] where first.map({ $0 <= top + 1 }) ?? true {
                let stream = StreamPosition(epoch: "E", top: top, firstStored: first)
                for offset in Int64(-1)...8 {
                    for limit in Int64(0)...3 {
                        let outcome = Self.decide("E", offset, stream, max: limit)
                        let expected: RecoveryOutcome
                        if offset < 0 || offset > top {
                            expected = .failed(.ahead)
                        } else if offset == top {
                            expected = .recovered(from: top + 1, through: top)
                        } else if first == nil || first! > offset + 1 {
                            expected = .failed(.expired)
                        } else if top - offset > limit {
                            expected = .failed(.tooMany)
                        } else {
                            expected = .recovered(from: offset + 1, through: top)
                        }
                        #expect(outcome == expected, "top \(top) first \(String(describing: first)) offset \(offset) max \(limit)")
                    }
                }
            }
        }
    }

    @Test func reasonsAreTheWireNames() {
        #expect(RecoveryFailure.allCases.map(\.rawValue) == ["epoch_changed", "expired", "too_many", "ahead", "unavailable"])
    }
}
