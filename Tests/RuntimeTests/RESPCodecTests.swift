import Testing
@testable import PilotoRuntime

@Suite struct RESPCodecTests {
    static let samples: [RESPValue] = [
        .simpleString("OK"), .error("ERR unknown command 'FOO'"), .integer(0), .integer(-42), .integer(Int64.max),
        .integer(Int64.min + 1), .bulkString([]), .bulkString(Array("hello".utf8)), .bulkString([13, 10, 0, 255, 36, 42]),
        .bulkString(nil), .array(nil), .array([]),
        .array([.bulkString(Array("message".utf8)), .bulkString(Array("ch".utf8)), .bulkString(Array("x\r\ny".utf8))]),
        .array([.integer(1), .array([.simpleString("nested"), .bulkString(nil), .array(nil)]), .error("E")]),
    ]

    static var stream: [UInt8] { samples.flatMap { RESPEncoder.encode($0) } }

    private func parseAll(_ chunks: [[UInt8]]) throws -> [RESPValue] {
        var parser = RESPParser()
        var values: [RESPValue] = []
        for chunk in chunks {
            parser.append(chunk)
            while let value = try parser.next() { values.append(value) }
        }
        #expect(parser.bufferedByteCount == 0)
        return values
    }

    @Test func wholeStreamParsesToTheSamples() throws {
        #expect(try parseAll([Self.stream]) == Self.samples)
    }

    @Test func byteByByteGivesTheSameValues() throws {
        #expect(try parseAll(Self.stream.map { [$0] }) == Self.samples)
    }

    @Test func splitAtEveryIndexGivesTheSameValues() throws {
        let stream = Self.stream
        for split in 0...stream.count {
            #expect(try parseAll([Array(stream[..<split]), Array(stream[split...])]) == Self.samples, "split at \(split)")
        }
    }

    @Test func incompleteInputConsumesNothing() throws {
        var parser = RESPParser()
        parser.append(Array("*2\r\n$3\r\nfoo\r\n$3\r\nba".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 19)
        parser.append(Array("r\r\n".utf8))
        #expect(try parser.next() == .array([.bulkString(Array("foo".utf8)), .bulkString(Array("bar".utf8))]))
    }

    @Test func serverErrorRepliesAndNilsAreValues() throws {
        var parser = RESPParser()
        parser.append(Array("-WRONGTYPE Operation against a key\r\n$-1\r\n*-1\r\n".utf8))
        #expect(try parser.next() == .error("WRONGTYPE Operation against a key"))
        #expect(try parser.next() == .bulkString(nil))
        #expect(try parser.next() == .array(nil))
        #expect(try parser.next() == nil)
    }

    @Test(arguments: [
        ("?x\r\n", RESPError.invalidTypeByte(UInt8(ascii: "?"))),
        (":12a\r\n", .invalidInteger),
        (":\r\n", .invalidInteger),
        (":-\r\n", .invalidInteger),
        (":99999999999999999999\r\n", .invalidInteger),
        ("$-2\r\n", .invalidLength(-2)),
        ("*-5\r\n", .invalidLength(-5)),
        ("$3\r\nfooXY", .missingCRLF),
        ("+OK\rX", .missingCRLF),
        ("+O\nK\r\n", .missingCRLF),
        ("$+3\r\nfoo\r\n", .invalidInteger),
    ])
    func malformedInputThrowsTypedErrors(input: String, expected: RESPError) {
        var parser = RESPParser()
        parser.append(Array(input.utf8))
        #expect(throws: expected) { try parser.next() }
        // Sticky: the stream has lost its framing.
        parser.append(Array("+OK\r\n".utf8))
        #expect(throws: expected) { try parser.next() }
    }

    @Test func limitsAreCheckedBeforeAllocating() {
        let limits = RESPLimits(maxBulkLength: 10, maxArrayCount: 3, maxDepth: 2, maxLineLength: 8)
        func error(_ text: String) -> RESPError? {
            var parser = RESPParser(limits: limits)
            parser.append(Array(text.utf8))
            do {
                _ = try parser.next()
                return nil
            } catch {
                return error
            }
        }
        #expect(error("$11\r\n") == .bulkTooLarge(11))
        #expect(error("*4\r\n") == .arrayTooLarge(4))
        #expect(error("*1\r\n*1\r\n*1\r\n:1\r\n") == .nestingTooDeep)
        #expect(error("*1\r\n*1\r\n:1\r\n") == nil)
        #expect(error("+123456789") == .lineTooLong)
        #expect(error("+12345678") == nil)  // still waiting for CRLF, within the limit
        var wide = RESPParser(limits: RESPLimits(maxBulkLength: 10))
        wide.append(Array("$9223372036854775807\r\n".utf8))
        #expect(throws: RESPError.bulkTooLarge(Int64.max)) { try wide.next() }
    }

    @Test func deepNestingFromHostileInputNeverOverflowsTheStack() {
        var parser = RESPParser()
        parser.append(Array(String(repeating: "*1\r\n", count: 100_000).utf8))
        #expect(throws: RESPError.nestingTooDeep) { try parser.next() }
    }

    @Test func commandsAreArraysOfBulkStrings() throws {
        #expect(RESPEncoder.command(["SET", "k", "v"]) == Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8))
        #expect(RESPEncoder.command([[UInt8]]()) == Array("*0\r\n".utf8))
        let binary: [[UInt8]] = [Array("ECHO".utf8), [0, 13, 10, 255]]
        var parser = RESPParser()
        parser.append(RESPEncoder.command(binary))
        #expect(try parser.next() == .array(binary.map { .bulkString($0) }))
    }

    @Test func manySmallRepliesCompactTheBuffer() throws {
        var parser = RESPParser()
        for i in 0..<20_000 {
            parser.append(Array(":\(i)\r\n".utf8))
            #expect(try parser.next() == .integer(Int64(i)))
        }
        #expect(parser.bufferedByteCount == 0)
    }
}
