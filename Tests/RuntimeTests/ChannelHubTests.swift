import Synchronization
import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// The hub without a server: who gets which bytes, and what crosses the bus.
@Suite struct ChannelHubTests {
    /// Records what the hub asks the bus to do, and lets the test play "another instance".
    final class RecordingBus: ChannelBus {
        let log = Mutex<[String]>([])
        let receiver = Mutex<(@Sendable (String, [UInt8]) -> Void)?>(nil)

        func subscribe(_ channel: String) { log.withLock { $0.append("subscribe \(channel)") } }
        func unsubscribe(_ channel: String) { log.withLock { $0.append("unsubscribe \(channel)") } }
        func publish(_ channel: String, payload: [UInt8]) {
            log.withLock { $0.append("publish \(channel) \(String(decoding: payload, as: UTF8.self))") }
        }
        func setReceiver(_ receiver: @escaping @Sendable (String, [UInt8]) -> Void) {
            self.receiver.withLock { $0 = receiver }
        }
        func fromOtherInstance(_ channel: String, _ text: String) {
            receiver.withLock { $0 }?(channel, Array(text.utf8))
        }
    }

    final class Deliveries: Sendable {
        let items = Mutex<[(frame: [UInt8], to: ConnectionHandle)]>([])
        func texts(to handle: ConnectionHandle) -> [String] {
            items.withLock { $0.filter { $0.to == handle }.map { item in
                var parser = WebSocketFrameParser(maxFrameSize: 1 << 20, expectMasked: false)
                parser.append(item.frame)
                return (try? parser.nextFrame()).flatMap { $0.map { String(decoding: $0.payload, as: UTF8.self) } } ?? "?"
            } }
        }
    }

    private func handle(_ fd: Int32) -> ConnectionHandle { ConnectionHandle(loop: 0, fd: fd, generation: 1) }

    private func makeHub() -> (ChannelHub, RecordingBus, Deliveries) {
        let bus = RecordingBus()
        let deliveries = Deliveries()
        let hub = ChannelHub(bus: bus, clock: { 1_764_408_600_123 }) { frame, handles in
            deliveries.items.withLock { items in for to in handles { items.append((frame, to)) } }
        }
        return (hub, bus, deliveries)
    }

    @Test func envelopes_haveFixedShape() {
        #expect(ChannelEnvelope.rfc3339(milliseconds: 1_764_408_600_123) == "2025-11-29T09:30:00.123Z")
        #expect(ChannelEnvelope.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(
            ChannelEnvelope.message(channel: "c", from: "ana", atMilliseconds: 5, data: "say \"hi\"\n")
                == #"{"type":"message","channel":"c","from":"ana","at":"1970-01-01T00:00:00.005Z","data":"say \"hi\"\n"}"#)
        #expect(
            ChannelEnvelope.presence(.leave, channel: "c", from: "anonymous", atMilliseconds: 0, members: 2)
                == #"{"type":"leave","channel":"c","from":"anonymous","at":"1970-01-01T00:00:00.000Z","members":2}"#)
    }

    @Test func channelNames() {
        #expect(ChannelName.parse(path: "/ws/sales.br-1_x", routePath: "/ws") == .channel("sales.br-1_x"))
        #expect(ChannelName.parse(path: "/ws", routePath: "/ws") == .notAChannel)
        #expect(ChannelName.parse(path: "/ws/a/b", routePath: "/ws") == .notAChannel)
        #expect(ChannelName.parse(path: "/ws/a b", routePath: "/ws") == .invalidName)
        #expect(ChannelName.parse(path: "/ws/é", routePath: "/ws") == .invalidName)
        #expect(ChannelName.parse(path: "/ws/" + String(repeating: "z", count: 65), routePath: "/ws") == .invalidName)
    }

    @Test func broadcast_reachesEveryMember_onceEncoded_andIsPublishedOnce() {
        let (hub, bus, deliveries) = makeHub()
        let a = handle(10), b = handle(11), c = handle(12)
        hub.join("room", handle: a, login: "ana")
        hub.join("room", handle: b, login: "bia")
        hub.join("other", handle: c, login: "caio")
        hub.publish("room", from: "ana", data: "oi")
        let expected = #"{"type":"message","channel":"room","from":"ana","at":"2025-11-29T09:30:00.123Z","data":"oi"}"#
        #expect(deliveries.texts(to: a).last == expected)
        #expect(deliveries.texts(to: b).last == expected)
        #expect(!deliveries.texts(to: c).contains(expected))
        // The same array for every member: one encoding, shared storage.
        let frames = deliveries.items.withLock { $0.suffix(2).map(\.frame) }
        #expect(frames[0].withUnsafeBufferPointer { $0.baseAddress } == frames[1].withUnsafeBufferPointer { $0.baseAddress })
        #expect(bus.log.withLock { $0 }.filter { $0.hasPrefix("publish room") && $0.contains("\"message\"") } == ["publish room \(expected)"])
    }

    @Test func busSubscription_followsFirstAndLastLocalMember() {
        let (hub, bus, _) = makeHub()
        hub.join("room", handle: handle(1), login: "a")
        hub.join("room", handle: handle(2), login: "b")
        hub.join("room", handle: handle(2), login: "b")  // twice: ignored
        hub.leave("room", handle: handle(1), login: "a")
        hub.leave("room", handle: handle(2), login: "b")
        hub.leave("room", handle: handle(2), login: "b")  // not a member any more: ignored
        let subscriptions = bus.log.withLock { $0 }.filter { !$0.hasPrefix("publish") }
        #expect(subscriptions == ["subscribe room", "unsubscribe room"])
        #expect(hub.memberCount("room") == 0)
        #expect(bus.log.withLock { $0 }.filter { $0.hasPrefix("publish") }.count == 4)  // 2 joins, 2 leaves
    }

    @Test func fromOtherInstances_deliveredLocally_neverRepublished() {
        let (hub, bus, deliveries) = makeHub()
        let a = handle(3)
        hub.join("room", handle: a, login: "a")
        let published = bus.log.withLock { $0.count }
        bus.fromOtherInstance("room", #"{"type":"message","data":"remote"}"#)
        bus.fromOtherInstance("nobody-here", #"{"type":"message"}"#)
        bus.receiver.withLock { $0 }?("room", [0xFF, 0xFE])  // not UTF-8: dropped
        #expect(deliveries.texts(to: a).last == #"{"type":"message","data":"remote"}"#)
        #expect(deliveries.texts(to: a).count == 2)  // its join, the remote message
        #expect(bus.log.withLock { $0.count } == published)
    }
}
