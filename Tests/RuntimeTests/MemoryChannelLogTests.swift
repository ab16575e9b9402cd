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

    /// `hello` + replay frames as the hub builds them from a read.
    static func join(_ log: inout MemoryChannelLog, _ request: RecoveryRequest, members: [PresenceMember] = [])
        -> (read: ChannelRead, hello: String, replay: [String])
    {
        let read = log.read(request, now: 0)
        let hello = RealtimeEnvelope.hello(channel: "c", epoch: read.epoch, offset: read.top, outcome: read.outcome, members: members)
        return (read, hello, read.entries.map { text(RealtimeEnvelope.withPosition($0.payload, offset: $0.offset, epoch: read.epoch)) })
    }

    @Test func publishNumbersStoresAndAcks() {
        var log = Self.log()
        guard case .stored(let entry, let ack) = Self.publish(&log, "oi", id: "m1") else {
            Issue.record("not stored")
            return
        }
        #expect(entry.offset == 1)
        #expect(ack == #"{"type":"ack","id":"m1","offset":1}"#)
        #expect(Self.text(RealtimeEnvelope.withPosition(entry.payload, offset: 1, epoch: "E")) == #"{"type":"message","channel":"c","from":"ana","at":"2026-11-29T09:30:00.123Z","offset":1,"epoch":"E","id":"m1","data":"oi"}"#)
    }

    @Test func aResentIDIsAckedAgainNotStored() {
        var log = Self.log()
        _ = Self.publish(&log, "oi", id: "m1")
        #expect(Self.publish(&log, "oi", id: "m1", now: 1000) == .duplicate(ack: #"{"type":"ack","id":"m1","offset":1}"#))
        #expect(log.history.top == 1)
        // After the 5-minute window the same id is a new message.
        guard case .stored(let entry, _) = Self.publish(&log, "oi", id: "m1", now: 300_000) else {
            Issue.record("not stored")
            return
        }
        #expect(entry.offset == 2)
    }

    @Test func reconnectInWindowReplaysTheMissedInOrder() {
        var log = Self.log()
        for i in 1...4 { _ = Self.publish(&log, "m\(i)") }
        let reply = Self.join(&log, RecoveryRequest(epoch: "E", offset: 2))
        #expect(reply.hello == #"{"type":"hello","channel":"c","epoch":"E","offset":4,"recovered":true,"missed":2,"members":[]}"#)
        #expect(reply.replay.map { $0.contains("\"offset\":3") } == [true, false])
        #expect(reply.replay.count == 2 && reply.replay[1].contains("\"offset\":4,\"epoch\":\"E\""))
        #expect(reply.read.top == 4)
    }

    @Test func upToDateClientGetsNothingMissed() {
        var log = Self.log()
        _ = Self.publish(&log, "m")
        let reply = Self.join(&log, RecoveryRequest(epoch: "E", offset: 1))
        #expect(reply.read.outcome.missed == 0 && reply.replay.isEmpty)
        #expect(reply.hello.contains("\"recovered\":true,\"missed\":0"))
    }

    @Test func aRestartedServerIsEpochChangedWithTheLastKBackfill() {
        var log = Self.log()
        for i in 1...4 { _ = Self.publish(&log, "m\(i)") }
        let reply = Self.join(&log, RecoveryRequest(epoch: "OLD", offset: 9, last: 2))
        #expect(reply.read.outcome == .failed(.epochChanged))
        #expect(reply.hello.contains("\"recovered\":false,\"missed\":0,\"reason\":\"epoch_changed\""))
        #expect(reply.replay.map { $0.contains("\"data\":\"m3\"") } == [true, false])
    }

    @Test func freshJoinBackfillIsCappedByMaxReplay() {
        var log = Self.log()
        for i in 1...8 { _ = Self.publish(&log, "m\(i)") }
        let reply = Self.join(&log, RecoveryRequest(last: 100), members: [PresenceMember(user: "ana", sinceMilliseconds: Self.at)])
        #expect(reply.read.outcome == .fresh)
        #expect(reply.replay.count == 5)
        #expect(reply.replay[0].contains("\"offset\":4,"))
        #expect(reply.hello.hasSuffix(#""members":[{"user":"ana","since":"2026-11-29T09:30:00.123Z"}]}"#))
    }

    @Test func tooManyAndExpired() {
        var log = Self.log(size: 3)
        for i in 1...9 { _ = Self.publish(&log, "m\(i)") }
        #expect(log.read(RecoveryRequest(epoch: "E", offset: 2), now: 0).outcome == .failed(.expired))
        var wide = Self.log(size: 20)
        for i in 1...9 { _ = Self.publish(&wide, "m\(i)") }
        #expect(wide.read(RecoveryRequest(epoch: "E", offset: 2), now: 0).outcome == .failed(.tooMany))
        #expect(wide.read(RecoveryRequest(epoch: "E", offset: 4), now: 0).outcome == .recovered(from: 5, through: 9))
    }

    @Test func gapFillEntriesOrNilWhenTrimmed() {
        var log = Self.log(size: 3)
        for i in 1...5 { _ = Self.publish(&log, "m\(i)") }
        #expect(log.entries(after: 2, now: 0)?.map(\.offset) == [3, 4, 5])
        #expect(log.entries(after: 5, now: 0) == [])
        #expect(log.entries(after: 1, now: 0) == nil)
    }
}
