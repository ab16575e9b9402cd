/// Decodes what Redis answers the history scripts and pub/sub, without any I/O (tested by
/// feeding real reply bytes through `RESPParser`).
package enum RedisHistoryReplies {
    /// The read script's `{epoch, top, firstStored, range, tail}`.
    package struct Read: Sendable, Equatable {
        package var position: StreamPosition
        /// Entries after the asked offset, oldest first.
        package var range: [HistoryEntry]
        /// The last `k` entries, oldest first.
        package var tail: [HistoryEntry]
    }

    package static func read(_ value: RESPValue) -> Read? {
        guard case .array(let items?) = value, items.count == 5, let epoch = items[0].text,
              case .integer(let top) = items[1], case .integer(let first) = items[2],
              let range = entries(items[3]), let tail = entries(items[4])
        else { return nil }
        return Read(
            position: StreamPosition(epoch: epoch, top: top, firstStored: first > 0 ? first : nil),
            range: range, tail: tail.reversed())
    }

    /// The publish script's `{offset, epoch, duplicate}`.
    package static func publish(_ value: RESPValue) -> (offset: Int64, epoch: String, duplicate: Bool)? {
        guard case .array(let items?) = value, items.count == 3, case .integer(let offset) = items[0],
              let epoch = items[1].text, case .integer(let duplicate) = items[2]
        else { return nil }
        return (offset, epoch, duplicate == 1)
    }

    /// An `XRANGE`/`XREVRANGE` reply: `[[id, [field, value, …]], …]`, id `OFFSET-0`, field `d`.
    /// Nil when the shape is not that (an entry without `d` is skipped: not ours).
    package static func entries(_ value: RESPValue) -> [HistoryEntry]? {
        guard case .array(let items?) = value else { return nil }
        var out: [HistoryEntry] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .array(let pair?) = item, pair.count == 2, let id = pair[0].text,
                  case .array(let fields?) = pair[1]
            else { return nil }
            guard let offset = Int64(id.prefix(while: { $0 != "-" })) else { return nil }
            var index = 0
            while index + 1 < fields.count {
                if fields[index].text == "d", case .bulkString(let payload?) = fields[index + 1] {
                    out.append(HistoryEntry(offset: offset, atMilliseconds: 0, payload: payload))
                    break
                }
                index += 2
            }
        }
        return out
    }

    /// A live message `OFFSET:EPOCH:PAYLOAD` published by the script on `piloto:ch:NAME`.
    package static func live(channel: String, payload: [UInt8]) -> LiveMessage? {
        let prefix = HistoryPublishScript.pubsubChannel("")
        guard channel.hasPrefix(prefix), channel.utf8.count > prefix.utf8.count,
              let first = payload.firstIndex(of: UInt8(ascii: ":")),
              let second = payload[(first + 1)...].firstIndex(of: UInt8(ascii: ":")),
              let offset = Int64(String(decoding: payload[..<first], as: UTF8.self)), offset > 0
        else { return nil }
        let epoch = String(decoding: payload[(first + 1)..<second], as: UTF8.self)
        guard !epoch.isEmpty else { return nil }
        return LiveMessage(
            channel: String(channel.dropFirst(prefix.count)), epoch: epoch,
            entry: HistoryEntry(offset: offset, atMilliseconds: 0, payload: Array(payload[(second + 1)...])))
    }
}
