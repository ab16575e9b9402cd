import Testing
@testable import PilotoRuntime

/// The RESP replies of the history path, as redis-server 7 sends them (captured bytes), fed to
/// `RESPParser` one byte at a time and decoded by `RedisChannelReplies`.
@Suite struct RedisChannelRepliesTests {
    /// Parses `text` byte by byte; every value, and nothing left over.
    private func parseByteByByte(_ text: String) throws -> [RESPValue] {
        var parser = RESPParser()
        var values: [RESPValue] = []
        for byte in Array(text.utf8) {
            parser.append([byte])
            while let value = try parser.next() { values.append(value) }
        }
        #expect(parser.bufferedByteCount == 0)
        return values
    }

    private func entry(_ offset: Int64, _ text: String) -> HistoryEntry {
        HistoryEntry(offset: offset, atMilliseconds: 0, payload: Array(text.utf8))
    }

    @Test func xaddReply_isTheEntryID() throws {
        #expect(try parseByteByByte("$3\r\n1-0\r\n") == [.bulkString(Array("1-0".utf8))])
    }

    @Test func xrangeReply_decodesToEntriesInOrder() throws {
        let bytes = "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nd\r\n$7\r\n{\"a\":1}\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nd\r\n$3\r\nx:y\r\n"
        let values = try parseByteByByte(bytes)
        #expect(values.count == 1)
        #expect(RedisChannelReplies.entries(values[0]) == [entry(1, #"{"a":1}"#), entry(2, "x:y")])
        #expect(RedisChannelReplies.entries(try parseByteByByte("*0\r\n")[0]) == [])
        // Not a stream reply: refused, not guessed.
        #expect(RedisChannelReplies.entries(.bulkString(Array("1-0".utf8))) == nil)
    }

    @Test func noscriptReply_isAServerErrorTheScriptFallsBackOn() throws {
        let values = try parseByteByByte("-NOSCRIPT No matching script. Please use EVAL.\r\n")
        #expect(values == [.error("NOSCRIPT No matching script. Please use EVAL.")])
        guard case .error(let line) = values[0] else { return }
        #expect(RedisServerError(line).code == .noScript)
    }

    @Test func evalshaPublishReply_decodesOffsetEpochAndDuplicate() throws {
        let values = try parseByteByByte("*3\r\n:3\r\n$16\r\nEPOCHAAAAAAAAAAA\r\n:0\r\n*3\r\n:3\r\n$16\r\nEPOCHAAAAAAAAAAA\r\n:1\r\n")
        #expect(values.count == 2)
        let stored = RedisChannelReplies.published(values[0])
        #expect(stored?.offset == 3 && stored?.epoch == "EPOCHAAAAAAAAAAA" && stored?.duplicate == false)
        #expect(RedisChannelReplies.published(values[1])?.duplicate == true)
        #expect(RedisChannelReplies.published(.integer(3)) == nil)
    }

    @Test func readScriptReply_givesPositionRangeAndTailOldestFirst() throws {
        let bytes = "*5\r\n$16\r\nEPOCHAAAAAAAAAAA\r\n:2\r\n:1\r\n"
            + "*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nd\r\n$1\r\nb\r\n"
            + "*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nd\r\n$1\r\nb\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nd\r\n$1\r\na\r\n"
        let read = RedisChannelReplies.read(try parseByteByByte(bytes)[0])
        #expect(read?.position == StreamPosition(epoch: "EPOCHAAAAAAAAAAA", top: 2, firstStored: 1))
        #expect(read?.range == [entry(2, "b")])
        #expect(read?.tail == [entry(1, "a"), entry(2, "b")])
        let empty = RedisChannelReplies.read(try parseByteByByte("*5\r\n$16\r\nEPOCHAAAAAAAAAAA\r\n:0\r\n:0\r\n*0\r\n*0\r\n")[0])
        #expect(empty?.position == StreamPosition(epoch: "EPOCHAAAAAAAAAAA", top: 0, firstStored: nil))
    }

    @Test func liveMessage_splitsOffsetEpochAndPayload_keepingColonsInThePayload() {
        let live = RedisChannelReplies.live(channel: "room", payload: Array("7:EPOCHAAAAAAAAAAA:{\"t\":\"a:b\"}".utf8))
        #expect(live == LiveMessage(channel: "room", epoch: "EPOCHAAAAAAAAAAA", entry: entry(7, #"{"t":"a:b"}"#)))
        #expect(RedisChannelReplies.live(channel: "room", payload: Array("x:E:x".utf8)) == nil)
        #expect(RedisChannelReplies.live(channel: "room", payload: Array("7:E".utf8)) == nil)
        #expect(RedisChannelReplies.live(channel: "room", payload: Array("7::x".utf8)) == nil)
    }
}
