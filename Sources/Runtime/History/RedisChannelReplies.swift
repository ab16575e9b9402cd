/// Decoding of what Redis answers the history scripts and pushes on a channel's pub/sub target.
///
/// Pure functions over `RESPValue`/bytes, so the shapes are tested without a server:
/// - stream entries (`XRANGE`/`XREVRANGE`, also nested in the read script's reply):
///   `[[bulk "OFFSET-0", [bulk "d", bulk payload]], …]`;
/// - the publish script: `[:offset, bulk epoch, :duplicate]`;
/// - the read script: `[bulk epoch, :top, :firstStored, range entries, tail entries]`;
/// - a live message: `OFFSET:EPOCH:PAYLOAD`.
package enum RedisChannelReplies {
    package struct Published: Sendable, Equatable {
        package var offset: Int64
        package var epoch: String
        package var duplicate: Bool
    }

    package struct Read: Sendable, Equatable {
        package var position: StreamPosition
        /// After the asked offset, oldest first (empty unless the script found it worth reading).
        package var range: [HistoryEntry]
        /// The last `k`, oldest first.
        package var tail: [HistoryEntry]
    }

    package static func published(_ value: RESPValue) -> Published? {
        guard case .array(let items?) = value, items.count == 3,
              case .integer(let offset) = items[0], let epoch = items[1].text, case .integer(let duplicate) = items[2]
        else { return nil }
        return Published(offset: offset, epoch: epoch, duplicate: duplicate == 1)
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

    /// Stream entries in reply order; nil when the shape is not a stream reply. An entry without
    /// a `d` field (not written by piloto) is skipped.
    package static func entries(_ value: RESPValue) -> [HistoryEntry]? {
        guard case .array(let items) = value else { return nil }
        var out: [HistoryEntry] = []
        for item in items ?? [] {
            guard case .array(let pair?) = item, pair.count == 2, let id = pair[0].text,
                  case .array(let fields?) = pair[1], let offset = offset(ofID: id)
            else { return nil }
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

    /// `N-0` → N.
    static func offset(ofID id: String) -> Int64? {
        guard let dash = id.firstIndex(of: "-") else { return Int64(id) }
        return Int64(id[..<dash])
    }

    /// `OFFSET:EPOCH:PAYLOAD` (the payload may contain colons; epochs never do).
    package static func live(channel: String, payload: [UInt8]) -> LiveMessage? {
        let colon = UInt8(ascii: ":")
        guard let first = payload.firstIndex(of: colon),
              let second = payload[(first + 1)...].firstIndex(of: colon),
              let offset = Int64(String(decoding: payload[..<first], as: UTF8.self)), offset > 0
        else { return nil }
        let epoch = String(decoding: payload[(first + 1)..<second], as: UTF8.self)
        guard !epoch.isEmpty else { return nil }
        return LiveMessage(
            channel: channel, epoch: epoch,
            entry: HistoryEntry(offset: offset, atMilliseconds: 0, payload: Array(payload[(second + 1)...])))
    }
}
