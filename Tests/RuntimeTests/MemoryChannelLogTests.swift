import Testing
@testable import PilotoRuntime

@Suite struct RecoveryRequestTests {
    @Test func allThreeParameters() {
        #expect(RecoveryRequest.parse(query: "epoch=Xk3&offset=42&last=5") == RecoveryRequest(epoch: "Xk3", offset: 42, last: 5))
    }

    @Test func absentOrMalformedValuesAreIgnored() {
        #expect(RecoveryRequest.parse(query: nil) == RecoveryRequest())
        #expect(RecoveryRequest.parse(query: "offset=-1&last=x&epoch=&foo=1&bare") == RecoveryRequest())
        #expect(RecoveryRequest.parse(query: "offset=99999999999999999999") == RecoveryRequest())
        #expect(RecoveryRequest.parse(query: "last=999999").last == 10_000)
    }
}

/// The memory store's channel path, pure: what a reconnecting client is sent, and publish acks.
@Suite struct MemoryChannelLogTests {
    static let at: Int64 = 1_795_944_600_123
    static func log(size: Int = 10) -> MemoryChannelLog {
        MemoryChannelLog(channel: "c", epoch: "E", limits: .init(size: size, maxBytes: 1 << 20, ttlMilliseconds: 3_600_000), maxReplay: 5)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func publish(_ log: inout MemoryChannelLog, _ data: String, id: String? = nil, now: Int64 = 0) -> MemoryChannelLog.PublishResult {
        log.publish(PublishRequest(id: id, data: .text(data)), from: "ana", atMilliseconds: at, now: now)
    }

    @Test func publishNumbersStoresAndAcks() {
        var log = Self.log()
        guard case .stored(let offset, let frame, let ack) = Self.publish(&log, "oi", id: "m1") else {
            Issue.record("not stored")
            return
        }
        #expect(offset == 1)
        #expect(ack == #"{"type":"ack","id":"m1","offset":1}"#)
        #expect(Self.text(frame) == #"{"type":"message","channel":"c","from":"ana","at":"2026-11-29T09:30:00.123Z","offset":1,"epoch":"E","id":"m1","data":"oi"}"#)
    }

    @Test func aResentIDIsAckedAgainNotStored() {
        var log = Self.log()
        _ = Self.publish(&log, "oi", id: "m1")
        #expect(Self.publish(&log, "oi", id: "m1", now: 1000) == .duplicate(ack: #"{"type":"ack","id":"m1","offset":1}"#))
        #expect(log.history.top == 1)
        // After the 5-minute window the same id is a new message.
        guard case .stored(let offset, _, _) = Self.publish(&log, "oi", id: "m1", now: 300_000) else {
            Issue.record("not stored")
            return
        }
        #expect(offset == 2)
    }

    @Test func reconnectInWindowReplaysTheMissedInOrder() {
        var log = Self.log()
        for i in 1...4 { _ = Self.publish(&log, "m\(i)") }
        let reply = log.join(RecoveryRequest(epoch: "E", offset: 2), members: [], now: 0)
        #expect(reply.hello == #"{"type":"hello","channel":"c","epoch":"E","offset":4,"recovered":true,"missed":2,"members":[]}"#)
        #expect(reply.replay.map { Self.text($0).contains("\"offset\":3") } == [true, false])
        #expect(reply.replay.count == 2 && Self.text(reply.replay[1]).contains("\"offset\":4,\"epoch\":\"E\""))
        #expect(reply.position == 4)
    }

    @Test func upToDateClientGetsNothingMissed() {
        var log = Self.log()
        _ = Self.publish(&log, "m")
        let reply = log.join(RecoveryRequest(epoch: "E", offset: 1), members: [], now: 0)
        #expect(reply.outcome.missed == 0 && reply.replay.isEmpty)
        #expect(reply.hello.contains("\"recovered\":true,\"missed\":0"))
    }

    @Test func aRestartedServerIsEpochChangedWithTheLastKBackfill() {
        var log = Self.log()
        for i in 1...4 { _ = Self.publish(&log, "m\(i)") }
        let reply = log.join(RecoveryRequest(epoch: "OLD", offset: 9, last: 2), members: [], now: 0)
        #expect(reply.outcome == .failed(.epochChanged))
        #expect(reply.hello.contains("\"recovered\":false,\"missed\":0,\"reason\":\"epoch_changed\""))
        #expect(reply.replay.map { Self.text($0).contains("\"data\":\"m3\"") } == [true, false])
    }

    @Test func freshJoinBackfillIsCappedByMaxReplay() {
        var log = Self.log()
        for i in 1...8 { _ = Self.publish(&log, "m\(i)") }
        let reply = log.join(RecoveryRequest(last: 100), members: [PresenceMember(user: "ana", sinceMilliseconds: Self.at)], now: 0)
        #expect(reply.outcome == .fresh)
        #expect(reply.replay.count == 5)
        #expect(Self.text(reply.replay[0]).contains("\"offset\":4,"))
        #expect(reply.hello.hasSuffix(#""members":[{"user":"ana","since":"2026-11-29T09:30:00.123Z"}]}"#))
    }

    @Test func tooManyAndExpired() {
        var log = Self.log(size: 3)
        for i in 1...9 { _ = Self.publish(&log, "m\(i)") }
        #expect(log.join(RecoveryRequest(epoch: "E", offset: 2), members: [], now: 0).outcome == .failed(.expired))
        var wide = Self.log(size: 20)
        for i in 1...9 { _ = Self.publish(&wide, "m\(i)") }
        #expect(wide.join(RecoveryRequest(epoch: "E", offset: 2), members: [], now: 0).outcome == .failed(.tooMany))
        #expect(wide.join(RecoveryRequest(epoch: "E", offset: 4), members: [], now: 0).outcome == .recovered(from: 5, through: 9))
    }
}
