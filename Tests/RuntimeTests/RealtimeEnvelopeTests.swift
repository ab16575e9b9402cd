import Testing
@testable import PilotoRuntime

/// Golden bytes: these frames are the protocol in docs/websockets.md.
@Suite struct RealtimeEnvelopeTests {
    // 2026-11-29T09:30:00.123Z
    static let at: Int64 = 1_795_944_600_123

    @Test func helloRecovered() {
        let text = RealtimeEnvelope.hello(
            channel: "vendas", epoch: "E1", offset: 12, outcome: .recovered(from: 11, through: 12),
            members: [PresenceMember(user: "ana", sinceMilliseconds: Self.at)])
        #expect(text == #"{"type":"hello","channel":"vendas","epoch":"E1","offset":12,"recovered":true,"missed":2,"members":[{"user":"ana","since":"2026-11-29T09:30:00.123Z"}]}"#)
    }

    @Test func helloUpToDateFreshAndFailed() {
        #expect(RealtimeEnvelope.hello(channel: "c", epoch: "E", offset: 3, outcome: .recovered(from: 4, through: 3), members: [])
            == #"{"type":"hello","channel":"c","epoch":"E","offset":3,"recovered":true,"missed":0,"members":[]}"#)
        #expect(RealtimeEnvelope.hello(channel: "c", epoch: "E", offset: 3, outcome: .fresh, members: [])
            == #"{"type":"hello","channel":"c","epoch":"E","offset":3,"recovered":false,"missed":0,"members":[]}"#)
        #expect(RealtimeEnvelope.hello(channel: "c", epoch: "E", offset: 3, outcome: .failed(.epochChanged), members: [])
            == #"{"type":"hello","channel":"c","epoch":"E","offset":3,"recovered":false,"missed":0,"reason":"epoch_changed","members":[]}"#)
    }

    @Test func storedMessageThenPositioned() {
        let stored = RealtimeEnvelope.storedMessage(channel: "c", from: "ana", atMilliseconds: Self.at, id: "m1", data: .json(#"{"t":"oi"}"#))
        #expect(stored == #"{"type":"message","channel":"c","from":"ana","at":"2026-11-29T09:30:00.123Z","id":"m1","data":{"t":"oi"}}"#)
        let framed = RealtimeEnvelope.withPosition(Array(stored.utf8), offset: 7, epoch: "E1")
        #expect(String(decoding: framed, as: UTF8.self)
            == #"{"type":"message","channel":"c","from":"ana","at":"2026-11-29T09:30:00.123Z","offset":7,"epoch":"E1","id":"m1","data":{"t":"oi"}}"#)
    }

    @Test func plainTextMessageKeepsTodaysShapePlusPosition() {
        let stored = RealtimeEnvelope.storedMessage(channel: "c", from: "ana", atMilliseconds: Self.at, id: nil, data: .text("a \"q\",\"at\":\"x"))
        let framed = String(decoding: RealtimeEnvelope.withPosition(Array(stored.utf8), offset: 1, epoch: "E"), as: UTF8.self)
        #expect(framed == #"{"type":"message","channel":"c","from":"ana","at":"2026-11-29T09:30:00.123Z","offset":1,"epoch":"E","data":"a \"q\",\"at\":\"x"}"#)
    }

    @Test func ackAndReset() {
        #expect(RealtimeEnvelope.ack(id: "m\"1", offset: 9) == #"{"type":"ack","id":"m\"1","offset":9}"#)
        #expect(RealtimeEnvelope.reset(epoch: "E2", offset: 0, reason: .epochChanged)
            == #"{"type":"reset","epoch":"E2","offset":0,"reason":"epoch_changed"}"#)
    }

    @Test func joinAndLeaveCarryUserAndSince() {
        let member = PresenceMember(user: "ana", sinceMilliseconds: Self.at)
        #expect(RealtimeEnvelope.presence(.join, channel: "c", member: member, atMilliseconds: Self.at, members: 2)
            == #"{"type":"join","channel":"c","from":"ana","at":"2026-11-29T09:30:00.123Z","user":"ana","since":"2026-11-29T09:30:00.123Z","members":2}"#)
        #expect(member.json == #"{"user":"ana","since":"2026-11-29T09:30:00.123Z"}"#)
    }
}

@Suite struct PublishRequestTests {
    @Test func envelopeWithIDAndJSONData() {
        let r = PublishRequest.parse(#" {"type":"publish","id":"c-1","data":{"text":"oi","n":[1,2.5e3,true,null]}} "#)
        #expect(r == PublishRequest(id: "c-1", data: .json(#"{"text":"oi","n":[1,2.5e3,true,null]}"#)))
    }

    @Test func envelopeMembersInAnyOrderAndStringData() {
        #expect(PublishRequest.parse(#"{"data":"oi","type":"publish"}"#) == PublishRequest(id: nil, data: .json(#""oi""#)))
        #expect(PublishRequest.parse(#"{"id":"a\u00e9","type":"publish","data":1}"#) == PublishRequest(id: "aé", data: .json("1")))
    }

    @Test func anythingElseIsPlainText() {
        for text in [
            "oi", "", #"{"type":"message","data":1}"#, #"{"type":"publish"}"#, #"{"type":"publish","data":}"#,
            #"{"type":"publish","data":1} x"#, #"{"type":"publish","id":5,"data":1}"#, #"{"type":"publish","id":"","data":1}"#,
            #"{"type":"publish","data":[1,]}"#, #"{"type":"publish","data":01}"#, "[1]", #"{"type":"publish","data":"\x"}"#,
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
            #"{"type":"publish","data":"#  + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
            #"{"type":"publish","id":""# + String(repeating: "i", count: 129) + #"","data":1}"#,
        ] {
            #expect(PublishRequest.parse(text) == PublishRequest(id: nil, data: .text(text)), "\(text)")
        }
    }

    @Test func everyPrefixOfAnEnvelopeIsHandled() {
        let full = #"{"type":"publish","id":"x","data":{"a":["b",{"c":-0.5E+2}]}}"#
        for n in 0..<full.utf8.count {
            let prefix = String(decoding: Array(full.utf8)[0..<n], as: UTF8.self)
            #expect(PublishRequest.parse(prefix).id == nil)
        }
        #expect(PublishRequest.parse(full).id == "x")
    }
}
