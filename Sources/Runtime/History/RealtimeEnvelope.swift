import PilotoConfig

/// The frames of the recovery protocol (docs/websockets.md), keys in a fixed order.
///
/// ```
/// {"type":"hello","channel":"c","epoch":"E","offset":7,"recovered":true,"missed":2,"members":[{"user":"ana","since":"…"}]}
/// {"type":"message","channel":"c","from":"ana","at":"…","offset":7,"epoch":"E","id":"m1","data":"oi"}
/// {"type":"ack","id":"m1","offset":7}
/// {"type":"reset","epoch":"E2","offset":0,"reason":"epoch_changed"}
/// {"type":"join","channel":"c","from":"ana","at":"…","user":"ana","since":"…","members":3}
/// ```
/// A stored message is kept *without* offset and epoch (`storedMessage`); `withPosition`
/// splices them in once per message, so every member shares one encoded buffer.
package enum RealtimeEnvelope {
    /// The first frame on every channel socket.
    package static func hello(
        channel: String, epoch: String, offset: Int64, outcome: RecoveryOutcome, members: [PresenceMember]
    ) -> String {
        var out = "{\"type\":\"hello\",\"channel\":"
        JSONString.append(channel, to: &out)
        out += ",\"epoch\":"
        JSONString.append(epoch, to: &out)
        out += ",\"offset\":\(offset)"
        switch outcome {
        case .recovered: out += ",\"recovered\":true,\"missed\":\(outcome.missed)"
        case .fresh: out += ",\"recovered\":false,\"missed\":0"
        case .failed(let reason): out += ",\"recovered\":false,\"missed\":0,\"reason\":\"\(reason.rawValue)\""
        }
        out += ",\"members\":["
        for (index, member) in members.enumerated() {
            if index > 0 { out += "," }
            out += member.json
        }
        return out + "]}"
    }

    /// A stored `message` without its position: `{"type":"message",…,"data":…}`.
    /// `data` is raw JSON when the client sent a publish envelope, else the client's text as a JSON string.
    package static func storedMessage(
        channel: String, from: String, atMilliseconds: Int64, id: String?, data: PublishData
    ) -> String {
        var out = "{\"type\":\"message\",\"channel\":"
        JSONString.append(channel, to: &out)
        out += ",\"from\":"
        JSONString.append(from, to: &out)
        out += ",\"at\":\"" + ChannelEnvelope.rfc3339(milliseconds: atMilliseconds) + "\""
        if let id {
            out += ",\"id\":"
            JSONString.append(id, to: &out)
        }
        out += ",\"data\":"
        switch data {
        case .text(let text): JSONString.append(text, to: &out)
        case .json(let raw): out += raw
        }
        return out + "}"
    }

    /// `stored` with `"offset":N,"epoch":"E"` inserted after its `"at"` member — before `id`/`data`,
    /// the only parts a client controls, so the splice point is found without parsing them.
    package static func withPosition(_ stored: [UInt8], offset: Int64, epoch: String) -> [UInt8] {
        var insert = ",\"offset\":\(offset),\"epoch\":"
        JSONString.append(epoch, to: &insert)
        let marker = Array(",\"at\":\"".utf8)
        guard let atStart = firstIndex(of: marker, in: stored),
              let close = stored[(atStart + marker.count)...].firstIndex(of: UInt8(ascii: "\""))
        else { return stored }
        var out: [UInt8] = []
        out.reserveCapacity(stored.count + insert.utf8.count)
        out += stored[...close]
        out += insert.utf8
        out += stored[(close + 1)...]
        return out
    }

    package static func ack(id: String, offset: Int64) -> String {
        var out = "{\"type\":\"ack\",\"id\":"
        JSONString.append(id, to: &out)
        return out + ",\"offset\":\(offset)}"
    }

    /// In-band: the live stream could not be continued; the next message is `offset + 1` of `epoch`.
    package static func reset(epoch: String, offset: Int64, reason: RecoveryFailure) -> String {
        var out = "{\"type\":\"reset\",\"epoch\":"
        JSONString.append(epoch, to: &out)
        return out + ",\"offset\":\(offset),\"reason\":\"\(reason.rawValue)\"}"
    }

    /// `join`/`leave` for one user (not stored, no offset); `members` is the user count after it.
    package static func presence(
        _ kind: ChannelEnvelope.Kind, channel: String, member: PresenceMember, atMilliseconds: Int64, members: Int
    ) -> String {
        var out = "{\"type\":\"\(kind.rawValue)\",\"channel\":"
        JSONString.append(channel, to: &out)
        out += ",\"from\":"
        JSONString.append(member.user, to: &out)
        out += ",\"at\":\"" + ChannelEnvelope.rfc3339(milliseconds: atMilliseconds) + "\""
        out += ",\"user\":"
        JSONString.append(member.user, to: &out)
        out += ",\"since\":\"" + ChannelEnvelope.rfc3339(milliseconds: member.sinceMilliseconds) + "\""
        return out + ",\"members\":\(members)}"
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

extension PresenceMember {
    /// `{"user":"ana","since":"2026-…Z"}` (`since` is wall-clock milliseconds here).
    package var json: String {
        var out = "{\"user\":"
        JSONString.append(user, to: &out)
        return out + ",\"since\":\"" + ChannelEnvelope.rfc3339(milliseconds: sinceMilliseconds) + "\"}"
    }
}
