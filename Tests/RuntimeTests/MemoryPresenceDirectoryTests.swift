import Synchronization
import Testing
@testable import PilotoRuntime

/// What a directory's observer received, in order.
final class PresenceLog: Sendable {
    struct Entry: Equatable, Sendable, CustomStringConvertible {
        var channel: String
        var event: PresenceEvent

        var description: String {
            switch event {
            case .join(let m): "\(channel) +\(m.user)@\(m.sinceMilliseconds)"
            case .leave(let user): "\(channel) -\(user)"
            }
        }
    }

    private let collected = Collected<Entry>()

    func observe(_ directory: any PresenceDirectory) {
        directory.setObserver { [collected] channel, event in collected.append(Entry(channel: channel, event: event)) }
    }

    var all: [Entry] { collected.all }
    var lines: [String] { collected.all.map(\.description) }
}

extension PresenceDirectory {
    func members(channel: String) async -> [PresenceMember] {
        await withCheckedContinuation { c in members(channel: channel) { c.resume(returning: $0) } }
    }
}

@Suite struct MemoryPresenceDirectoryTests {
    let timers = ManualPresenceTimers(start: 1_000_000)
    var now: Int64 { timers.nowMilliseconds() }

    func make(debounce: Int64 = 10_000) -> (MemoryPresenceDirectory, PresenceLog) {
        let directory = MemoryPresenceDirectory(debounceMilliseconds: debounce, timers: timers)
        let log = PresenceLog()
        log.observe(directory)
        return (directory, log)
    }

    @Test func firstConnectionJoinsAndFurtherOnesOfTheSameUserAreSilent() async {
        let (d, log) = make()
        d.connect(channel: "c", user: "ana", connection: "1", now: now)
        d.connect(channel: "c", user: "ana", connection: "2", now: now + 5)
        d.connect(channel: "c", user: "bia", connection: "3", now: now + 7)
        #expect(log.lines == ["c +ana@1000000", "c +bia@1000007"])
        #expect(await d.members(channel: "c") == [
            PresenceMember(user: "ana", sinceMilliseconds: 1_000_000), PresenceMember(user: "bia", sinceMilliseconds: 1_000_007),
        ])
        #expect(d.connectionCount(channel: "c", user: "ana") == 2)
    }

    @Test func leaveIsSentOnlyAfterTheDebounceFromTheLastConnection() async {
        let (d, log) = make()
        d.connect(channel: "c", user: "ana", connection: "1", now: now)
        d.connect(channel: "c", user: "ana", connection: "2", now: now)
        d.disconnect(channel: "c", user: "ana", connection: "1", now: now)
        #expect(timers.pendingCount == 0)
        d.disconnect(channel: "c", user: "ana", connection: "2", now: now)
        timers.advance(milliseconds: 9_999)
        #expect(log.lines == ["c +ana@1000000"])
        // Still listed inside the window: hello.members keeps the user through a redeploy.
        #expect(await d.members(channel: "c") == [PresenceMember(user: "ana", sinceMilliseconds: 1_000_000)])
        timers.advance(milliseconds: 1)
        #expect(log.lines == ["c +ana@1000000", "c -ana"])
        #expect(await d.members(channel: "c") == [])
        #expect(d.channelCount == 0)
    }

    @Test func aReconnectInsideTheWindowSendsNothingAndKeepsSince() async {
        let (d, log) = make()
        d.connect(channel: "c", user: "ana", connection: "1", now: now)
        timers.advance(milliseconds: 1_000)
        d.disconnect(channel: "c", user: "ana", connection: "1", now: now)
        timers.advance(milliseconds: 9_000)
        d.connect(channel: "c", user: "ana", connection: "9", now: now)
        timers.advance(milliseconds: 60_000)
        #expect(log.lines == ["c +ana@1000000"])
        #expect(await d.members(channel: "c") == [PresenceMember(user: "ana", sinceMilliseconds: 1_000_000)])
    }

    @Test func oneTimerPerChannelIsArmedForTheEarliestLeave() {
        let (d, log) = make()
        for user in ["ana", "bia", "caio"] { d.connect(channel: "c", user: user, connection: user, now: now) }
        d.disconnect(channel: "c", user: "bia", connection: "bia", now: now)
        d.disconnect(channel: "c", user: "ana", connection: "ana", now: now + 2_000)
        d.disconnect(channel: "c", user: "caio", connection: "caio", now: now + 2_000)
        #expect(timers.pendingCount == 1)
        timers.advance(milliseconds: 10_000)
        #expect(log.lines.suffix(1) == ["c -bia"])
        timers.advance(milliseconds: 2_000)
        // Same deadline: ordered by user.
        #expect(log.lines.suffix(3) == ["c -bia", "c -ana", "c -caio"])
        #expect(timers.pendingCount == 0)
    }

    @Test func aTimerLeftFromACancelledLeaveRearmsForTheLaterOne() {
        let (d, log) = make()
        d.connect(channel: "c", user: "ana", connection: "1", now: now)
        d.disconnect(channel: "c", user: "ana", connection: "1", now: now)
        timers.advance(milliseconds: 5_000)
        d.connect(channel: "c", user: "ana", connection: "2", now: now)
        d.disconnect(channel: "c", user: "ana", connection: "2", now: now)
        timers.advance(milliseconds: 5_000)
        #expect(log.lines == ["c +ana@1000000"])
        timers.advance(milliseconds: 5_000)
        #expect(log.lines == ["c +ana@1000000", "c -ana"])
    }

    @Test func channelsAreIndependent() async {
        let (d, log) = make()
        d.connect(channel: "a", user: "ana", connection: "1", now: now)
        d.connect(channel: "b", user: "ana", connection: "2", now: now)
        d.disconnect(channel: "a", user: "ana", connection: "1", now: now)
        timers.advance(milliseconds: 10_000)
        #expect(log.lines == ["a +ana@1000000", "b +ana@1000000", "a -ana"])
        #expect(await d.members(channel: "b") == [PresenceMember(user: "ana", sinceMilliseconds: 1_000_000)])
    }

    @Test func zeroDebounceLeavesAtOnce() {
        let (d, log) = make(debounce: 0)
        d.connect(channel: "c", user: "ana", connection: "1", now: now)
        d.disconnect(channel: "c", user: "ana", connection: "1", now: now)
        #expect(log.lines == ["c +ana@1000000", "c -ana"])
        #expect(timers.pendingCount == 0)
    }

    @Test func aDisconnectOfAnUnknownConnectionIsIgnored() {
        let (d, log) = make()
        d.disconnect(channel: "c", user: "ana", connection: "1", now: now)
        timers.advance(milliseconds: 20_000)
        #expect(log.lines == [])
        #expect(d.channelCount == 0)
    }
}

@Suite struct PresenceOutboxTests {
    @Test func eventsFromManyThreadsArriveInEnqueueOrderWithoutReentry() async {
        let outbox = PresenceOutbox()
        let seen = Collected<Int>()
        let inside = Atomic(0)
        let reentered = Atomic(false)
        outbox.setObserver { _, event in
            if inside.add(1, ordering: .acquiringAndReleasing).newValue > 1 { reentered.store(true, ordering: .relaxed) }
            if case .leave(let user) = event { seen.append(Int(user)!) }
            inside.subtract(1, ordering: .acquiringAndReleasing)
        }
        let order = Collected<Int>()
        let lock = Sequencer()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<200 {
                        lock.next { n in
                            outbox.enqueue("c", [.leave(user: String(n))])
                            order.append(n)
                        }
                        outbox.drain()
                    }
                }
            }
        }
        outbox.drain()
        #expect(seen.all == order.all)
        #expect(seen.count == 1_600)
        #expect(reentered.load(ordering: .relaxed) == false)
    }
}

/// Hands out 0, 1, 2, … under a lock, running `body` while it is held.
final class Sequencer: Sendable {
    private let value = Mutex(0)

    func next(_ body: (Int) -> Void) {
        value.withLock { n in
            body(n)
            n += 1
        }
    }
}
