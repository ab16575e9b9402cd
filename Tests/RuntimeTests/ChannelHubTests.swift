import Foundation
import Synchronization
import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// Records every frame the hub posts, per connection (a replay batch holds several frames).
final class HubDeliveries: Sendable {
    let items = Mutex<[(frame: [UInt8], to: ConnectionHandle)]>([])

    func record(_ frame: [UInt8], _ handles: [ConnectionHandle]) {
        items.withLock { items in for to in handles { items.append((frame, to)) } }
    }

    func texts(to handle: ConnectionHandle) -> [String] {
        items.withLock { $0.filter { $0.to == handle } }.flatMap { item -> [String] in
            var parser = WebSocketFrameParser(maxFrameSize: 1 << 22, expectMasked: false)
            parser.append(item.frame)
            var out: [String] = []
            while let frame = try? parser.nextFrame() { out.append(String(decoding: frame.payload, as: UTF8.self)) }
            return out
        }
    }

    /// The `offset` of every `message` frame to `handle`, in arrival order.
    func offsets(to handle: ConnectionHandle) -> [Int64] {
        texts(to: handle).compactMap { text -> Int64? in
            guard text.hasPrefix(#"{"type":"message""#), let range = text.range(of: #""offset":"#) else { return nil }
            return Int64(text[range.upperBound...].prefix { $0.isNumber })
        }
    }
}

/// A store the test drives by hand: reads and fetches wait until the test answers them, and the
/// test plays the live stream (Redis pub/sub, with its losses and reorderings).
final class ScriptedStore: ChannelStore {
    struct State {
        var live: (@Sendable (LiveMessage) -> Void)?
        var reads: [@Sendable (ChannelRead?) -> Void] = []
        var fetches: [(after: Int64, completion: @Sendable (FetchOutcome) -> Void)] = []
        var subscriptions: [String] = []
    }

    let state = Mutex(State())

    func setReceivers(live: @escaping @Sendable (LiveMessage) -> Void, resync: @escaping @Sendable () -> Void) {
        state.withLock { $0.live = live }
    }
    func subscribe(_ channel: String) { state.withLock { $0.subscriptions.append("+" + channel) } }
    func unsubscribe(_ channel: String) { state.withLock { $0.subscriptions.append("-" + channel) } }
    func read(channel: String, request: RecoveryRequest, completion: @escaping @Sendable (ChannelRead?) -> Void) {
        state.withLock { $0.reads.append(completion) }
    }
    func fetch(channel: String, epoch: String, after: Int64, completion: @escaping @Sendable (FetchOutcome) -> Void) {
        state.withLock { $0.fetches.append((after, completion)) }
    }
    func publish(
        channel: String, request: PublishRequest, from login: String, atMilliseconds: Int64,
        completion: @escaping @Sendable (PublishOutcome) -> Void
    ) { completion(.failed) }

    static func entry(_ offset: Int64) -> HistoryEntry {
        HistoryEntry(offset: offset, atMilliseconds: 0, payload: Array(#"{"type":"message","channel":"c","from":"a","at":"x","data":"\#(offset)"}"#.utf8))
    }

    func live(_ offset: Int64, epoch: String = "E") {
        state.withLock { $0.live }?(LiveMessage(channel: "c", epoch: epoch, entry: Self.entry(offset)))
    }

    func answerRead(_ read: ChannelRead?) {
        let completion = state.withLock { $0.reads.removeFirst() }
        completion(read)
    }

    func answerFetch(_ outcome: FetchOutcome) -> Int64 {
        let (after, completion) = state.withLock { $0.fetches.removeFirst() }
        completion(outcome)
        return after
    }

    var pendingFetches: Int { state.withLock { $0.fetches.count } }
}

/// The hub without a server: who gets which bytes, in which order, with which position.
@Suite struct ChannelHubTests {
    private func handle(_ fd: Int32) -> ConnectionHandle { ConnectionHandle(loop: 0, fd: fd, generation: 1) }

    private func memoryHub(debounce: Int64 = 0) -> (ChannelHub, HubDeliveries, ManualPresenceTimers) {
        let deliveries = HubDeliveries()
        let timers = ManualPresenceTimers(start: 1_764_408_600_123)
        let store = MemoryChannelStore(
            limits: .init(size: 100, maxBytes: 1 << 20, ttlMilliseconds: 3_600_000), makeEpoch: { "EPOCHAAAAAAAAAAA" })
        let presence = MemoryPresenceDirectory(debounceMilliseconds: debounce, timers: timers)
        let hub = ChannelHub(store: store, presence: presence, clock: { timers.nowMilliseconds() }) { frame, handles in
            deliveries.record(frame, handles)
        }
        return (hub, deliveries, timers)
    }

    private func scriptedHub() -> (ChannelHub, HubDeliveries, ScriptedStore) {
        let deliveries = HubDeliveries()
        let store = ScriptedStore()
        let presence = MemoryPresenceDirectory(debounceMilliseconds: 0, timers: ManualPresenceTimers())
        let hub = ChannelHub(store: store, presence: presence, clock: { 0 }) { frame, handles in
            deliveries.record(frame, handles)
        }
        return (hub, deliveries, store)
    }

    @Test func envelopes_haveFixedShape() {
        #expect(ChannelEnvelope.rfc3339(milliseconds: 1_764_408_600_123) == "2025-11-29T09:30:00.123Z")
        #expect(ChannelEnvelope.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
    }

    @Test func channelNames() {
        #expect(ChannelName.parse(path: "/ws/sales.br-1_x", routePath: "/ws") == .channel("sales.br-1_x"))
        #expect(ChannelName.parse(path: "/ws", routePath: "/ws") == .notAChannel)
        #expect(ChannelName.parse(path: "/ws/a/b", routePath: "/ws") == .notAChannel)
        #expect(ChannelName.parse(path: "/ws/a b", routePath: "/ws") == .invalidName)
        #expect(ChannelName.parse(path: "/ws/é", routePath: "/ws") == .invalidName)
        #expect(ChannelName.parse(path: "/ws/" + String(repeating: "z", count: 65), routePath: "/ws") == .invalidName)
    }

    @Test func helloFirst_thenEveryMessageOnceEncoded_withOffsetAndEpoch() {
        let (hub, deliveries, _) = memoryHub()
        let a = handle(10), b = handle(11), c = handle(12)
        hub.join("room", handle: a, login: "ana")
        hub.join("room", handle: b, login: "bia")
        hub.join("other", handle: c, login: "caio")
        #expect(deliveries.texts(to: a).first == #"{"type":"hello","channel":"room","epoch":"EPOCHAAAAAAAAAAA","offset":0,"recovered":false,"missed":0,"members":[{"user":"ana","since":"2025-11-29T09:30:00.123Z"}]}"#)
        #expect(deliveries.texts(to: b).first?.contains(#""members":[{"user":"ana","#) == true)
        // Bia's arrival is a join for Ana (users counted cluster-wide, not connections).
        #expect(deliveries.texts(to: a).last?.hasPrefix(#"{"type":"join","channel":"room","from":"bia""#) == true)
        hub.publish("room", handle: a, from: "ana", text: "oi")
        let expected = #"{"type":"message","channel":"room","from":"ana","at":"2025-11-29T09:30:00.123Z","offset":1,"epoch":"EPOCHAAAAAAAAAAA","data":"oi"}"#
        #expect(deliveries.texts(to: a).last == expected)
        #expect(deliveries.texts(to: b).last == expected)
        #expect(!deliveries.texts(to: c).contains(expected))
        let frames = deliveries.items.withLock { $0.suffix(2).map(\.frame) }
        #expect(frames[0].withUnsafeBufferPointer { $0.baseAddress } == frames[1].withUnsafeBufferPointer { $0.baseAddress })
    }

    @Test func publishEnvelope_isAcked_andARepeatedIDIsNotStoredAgain() {
        let (hub, deliveries, _) = memoryHub()
        let a = handle(1), b = handle(2)
        hub.join("c", handle: a, login: "ana")
        hub.join("c", handle: b, login: "bia")
        hub.publish("c", handle: a, from: "ana", text: #"{"type":"publish","id":"m1","data":{"t":1}}"#)
        hub.publish("c", handle: a, from: "ana", text: #"{"type":"publish","id":"m1","data":{"t":1}}"#)
        let acks = deliveries.texts(to: a).filter { $0.hasPrefix(#"{"type":"ack""#) }
        #expect(acks == [#"{"type":"ack","id":"m1","offset":1}"#, #"{"type":"ack","id":"m1","offset":1}"#])
        #expect(deliveries.offsets(to: b) == [1])
        #expect(deliveries.texts(to: b).last?.hasSuffix(#""id":"m1","data":{"t":1}}"#) == true)
        #expect(!deliveries.texts(to: b).contains { $0.hasPrefix(#"{"type":"ack""#) })
    }

    @Test func reconnectWithPosition_replaysWhatWasMissed() {
        let (hub, deliveries, _) = memoryHub()
        let a = handle(1), b = handle(2), b2 = handle(3)
        hub.join("c", handle: a, login: "ana")
        hub.join("c", handle: b, login: "bia")
        hub.publish("c", handle: a, from: "ana", text: "1")
        hub.leave("c", handle: b, login: "bia")
        for i in 2...4 { hub.publish("c", handle: a, from: "ana", text: "\(i)") }
        hub.join("c", handle: b2, login: "bia", request: RecoveryRequest(epoch: "EPOCHAAAAAAAAAAA", offset: 1))
        let texts = deliveries.texts(to: b2)
        #expect(texts.first?.contains(#""offset":4,"recovered":true,"missed":3"#) == true)
        #expect(deliveries.offsets(to: b2) == [2, 3, 4])
        hub.publish("c", handle: a, from: "ana", text: "5")
        #expect(deliveries.offsets(to: b2) == [2, 3, 4, 5])
        #expect(deliveries.offsets(to: a) == [1, 2, 3, 4, 5])
    }

    @Test func presence_isPerUser_andLeaveWaitsForTheDebounce() {
        let (hub, deliveries, timers) = memoryHub(debounce: 10_000)
        let a = handle(1), b = handle(2), b2 = handle(3)
        hub.join("c", handle: a, login: "ana")
        hub.join("c", handle: b, login: "bia")
        hub.join("c", handle: b2, login: "bia")  // a second tab: no second join
        #expect(deliveries.texts(to: a).filter { $0.hasPrefix(#"{"type":"join""#) }.count == 1)
        hub.leave("c", handle: b, login: "bia")
        hub.leave("c", handle: b2, login: "bia")
        timers.advance(milliseconds: 9_000)
        #expect(!deliveries.texts(to: a).contains { $0.hasPrefix(#"{"type":"leave""#) })
        timers.advance(milliseconds: 1_000)
        #expect(deliveries.texts(to: a).last?.hasPrefix(#"{"type":"leave","channel":"c","from":"bia""#) == true)
        #expect(deliveries.texts(to: a).last?.hasSuffix(#""members":1}"#) == true)
    }

    @Test func liveGap_isFilledFromTheStore_inOrder() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1)
        hub.join("c", handle: a, login: "a")
        store.answerRead(ChannelRead(epoch: "E", top: 1, outcome: .fresh, entries: []))
        store.live(2)
        store.live(5)  // 3 and 4 were lost on the way
        store.live(6)  // held while the fill is in flight
        #expect(deliveries.offsets(to: a) == [2])
        #expect(store.answerFetch(.entries([ScriptedStore.entry(3), ScriptedStore.entry(4), ScriptedStore.entry(5)], top: 5)) == 2)
        #expect(deliveries.offsets(to: a) == [2, 3, 4, 5, 6])
        store.live(4)  // a late duplicate: dropped
        store.live(7)
        #expect(deliveries.offsets(to: a) == [2, 3, 4, 5, 6, 7])
    }

    @Test func trimmedGap_orNewEpoch_isAnnouncedWithReset() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1)
        hub.join("c", handle: a, login: "a")
        store.answerRead(ChannelRead(epoch: "E", top: 0, outcome: .fresh, entries: []))
        store.live(1)
        store.live(9)
        _ = store.answerFetch(.entries([ScriptedStore.entry(7), ScriptedStore.entry(8)], top: 9))  // 2…6 trimmed
        #expect(deliveries.texts(to: a).contains(#"{"type":"reset","epoch":"E","offset":6,"reason":"expired"}"#))
        #expect(deliveries.offsets(to: a) == [1, 7, 8, 9])
        store.live(1, epoch: "F")  // Redis lost everything: a new epoch starts
        #expect(deliveries.texts(to: a).contains(#"{"type":"reset","epoch":"F","offset":0,"reason":"epoch_changed"}"#))
        store.live(10, epoch: "E")  // a late message of the old epoch never steps back
        store.live(2, epoch: "F")
        #expect(deliveries.offsets(to: a) == [1, 7, 8, 9, 1, 2])
    }

    /// Redis restored from an older snapshot: the first live message of the new epoch is offset 2
    /// (offset 1 was published before this instance's pub/sub came back). Members are reset to
    /// offset 0 of the new epoch and get 1 from the store, then 2: nothing is skipped silently.
    @Test func newEpochMidStream_isResetToZero_andFilledFromOne() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1)
        hub.join("c", handle: a, login: "a")
        store.answerRead(ChannelRead(epoch: "E", top: 10, outcome: .fresh, entries: []))
        store.live(11)
        store.live(2, epoch: "F")
        #expect(deliveries.texts(to: a).contains(#"{"type":"reset","epoch":"F","offset":0,"reason":"epoch_changed"}"#))
        store.live(3, epoch: "F")  // held while the fill runs
        #expect(store.answerFetch(.entries([ScriptedStore.entry(1), ScriptedStore.entry(2)], top: 2)) == 0)
        #expect(deliveries.offsets(to: a) == [11, 1, 2, 3])
    }

    /// The periodic fill learns of the new epoch (no live message at all): same reset to 0 and fill.
    @Test func fillThatFindsANewEpoch_refillsFromOne() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1)
        hub.join("c", handle: a, login: "a")
        store.answerRead(ChannelRead(epoch: "E", top: 0, outcome: .fresh, entries: []))
        store.live(1)
        store.live(3)  // a gap: the fill finds the stream moved to F with 2 messages
        _ = store.answerFetch(.epochChanged(epoch: "F", top: 2))
        #expect(deliveries.texts(to: a).contains(#"{"type":"reset","epoch":"F","offset":0,"reason":"epoch_changed"}"#))
        #expect(store.answerFetch(.entries([ScriptedStore.entry(1), ScriptedStore.entry(2)], top: 2)) == 0)
        store.live(3, epoch: "F")
        #expect(deliveries.offsets(to: a) == [1, 1, 2, 3])
    }

    /// A joiner's read shows a new epoch the existing members have not heard of yet: they are
    /// reset and filled too, so both see offsets 1… of the new epoch once.
    @Test func joinerSeesNewEpoch_existingMembersAreResetAndFilled() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1), b = handle(2)
        hub.join("c", handle: a, login: "a")
        store.answerRead(ChannelRead(epoch: "E", top: 5, outcome: .fresh, entries: []))
        hub.join("c", handle: b, login: "b")
        store.answerRead(ChannelRead(epoch: "F", top: 1, outcome: .fresh, entries: []))
        #expect(deliveries.texts(to: a).contains(#"{"type":"reset","epoch":"F","offset":0,"reason":"epoch_changed"}"#))
        #expect(store.answerFetch(.entries([ScriptedStore.entry(1)], top: 1)) == 0)
        store.live(2, epoch: "F")
        #expect(deliveries.offsets(to: a) == [1, 2])
        #expect(deliveries.offsets(to: b) == [2])
    }

    @Test func join_mergesBufferedLiveWithHistory_withoutDuplicatesOrHoles() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1), b = handle(2)
        hub.join("c", handle: a, login: "a")
        store.answerRead(ChannelRead(epoch: "E", top: 3, outcome: .fresh, entries: []))
        hub.join("c", handle: b, login: "b", request: RecoveryRequest(epoch: "E", offset: 1))
        // Live traffic while b's read is in flight: buffered for b, delivered to a.
        store.live(4)
        store.live(5)
        // The read saw up to 4; 5 only arrived live.
        store.answerRead(ChannelRead(
            epoch: "E", top: 4, outcome: .recovered(from: 2, through: 4),
            entries: [ScriptedStore.entry(2), ScriptedStore.entry(3), ScriptedStore.entry(4)]))
        #expect(deliveries.texts(to: b).first?.contains(#""offset":4,"recovered":true,"missed":3"#) == true)
        store.live(6)
        #expect(deliveries.offsets(to: b) == [2, 3, 4, 5, 6])
        #expect(deliveries.offsets(to: a) == [4, 5, 6])
    }

    @Test func storeDownAtJoin_isHelloUnavailable_thenTheStreamIsAnnounced() {
        let (hub, deliveries, store) = scriptedHub()
        let a = handle(1)
        hub.join("c", handle: a, login: "a", request: RecoveryRequest(epoch: "E", offset: 3))
        store.answerRead(nil)
        #expect(deliveries.texts(to: a).first?.contains(#""recovered":false,"missed":0,"reason":"unavailable""#) == true)
        store.live(8)
        #expect(deliveries.texts(to: a).contains(#"{"type":"reset","epoch":"E","offset":7,"reason":"unavailable"}"#))
        #expect(deliveries.offsets(to: a) == [8])
    }

    @Test func subscription_followsFirstAndLastLocalMember() {
        let (hub, _, store) = scriptedHub()
        hub.join("c", handle: handle(1), login: "a")
        hub.join("c", handle: handle(2), login: "b")
        hub.join("c", handle: handle(2), login: "b")  // twice: ignored
        hub.leave("c", handle: handle(1), login: "a")
        hub.leave("c", handle: handle(2), login: "b")
        hub.leave("c", handle: handle(2), login: "b")
        #expect(store.state.withLock { $0.subscriptions } == ["+c", "-c"])
        #expect(hub.memberCount("c") == 0)
    }
}
