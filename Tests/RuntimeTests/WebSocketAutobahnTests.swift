import Testing

@testable import PilotoRuntime

/// Autobahn|Testsuite case groups 1–10 in spirit: each test replays a case's wire bytes into the
/// state machine acting as an echo server, and checks the exact bytes it writes back.
@Suite struct WebSocketAutobahnTests {
    private let t0 = WSTestInstant.zero

    /// Feeds `chunks`, echoes every delivered message as the echo route would, and returns what the
    /// server wrote (frames concatenated) and whether it closed TCP.
    private func echo(_ chunks: [[UInt8]], configure: (inout WebSocketConfiguration) -> Void = { _ in }) -> (written: [UInt8], closed: Bool) {
        var configuration = WebSocketConfiguration()
        configure(&configuration)
        var connection = WSConnection(configuration: configuration, now: t0)
        let actions = connection.drive(chunks, now: t0, echo: true)
        var written: [UInt8] = []
        for case .write(let bytes) in actions { written += bytes }
        return (written, actions.last == .closeConnection)
    }

    private func server(_ opcode: WebSocketOpcode, _ payload: [UInt8] = []) -> [UInt8] {
        WebSocketFrameEncoder.encode(opcode: opcode, payload: payload)
    }

    private func close(_ code: UInt16) -> [UInt8] { [0x88, 0x02, UInt8(code >> 8), UInt8(code & 0xFF)] }

    // MARK: 1 Framing

    @Test(arguments: [0, 125, 126, 127, 128, 65535, 65536])
    func case1_textAndBinaryOfLength_areEchoed(length: Int) {
        let text = String(repeating: "*", count: length)
        #expect(echo([WSClient.text(text)]) == (server(.text, Array(text.utf8)), false))
        let binary = [UInt8](repeating: 0xFE, count: length)
        #expect(echo([WSClient.frame(.binary, binary)]) == (server(.binary, binary), false))
    }

    @Test func case1_binary65536_inChunksOf997() {
        let payload = (0..<65536).map { UInt8(truncatingIfNeeded: $0) }
        let bytes = WSClient.frame(.binary, payload)
        let chunks = stride(from: 0, to: bytes.count, by: 997).map { Array(bytes[$0..<min($0 + 997, bytes.count)]) }
        #expect(echo(chunks).written == server(.binary, payload))
    }

    // MARK: 2 Pings and pongs

    @Test func case2_pings() {
        #expect(echo([WSClient.frame(.ping)]).written == [0x8A, 0x00])
        let text = Array("Hello, world!".utf8)
        #expect(echo([WSClient.frame(.ping, text)]).written == server(.pong, text))
        let max = [UInt8](repeating: 0xFE, count: 125)
        #expect(echo([WSClient.frame(.ping, max)]).written == server(.pong, max))
        #expect(echo(WSClient.frame(.ping, max).map { [$0] }).written == server(.pong, max))  // 2.6: byte by byte
        #expect(echo([WSClient.frame(.ping, max + [0])]) == (close(1002), true))  // 2.5: 126 bytes
    }

    @Test func case2_unsolicitedPongs_areIgnored() {
        #expect(echo([WSClient.frame(.pong)]) == ([], false))
        #expect(echo([WSClient.frame(.pong, Array("unsolicited".utf8)) + WSClient.frame(.ping, [1])]).written == server(.pong, [1]))
    }

    @Test func case2_tenPings_tenPongsInOrder() {
        let pings = (0..<10).flatMap { WSClient.frame(.ping, [UInt8($0)]) }
        let pongs = (0..<10).flatMap { server(.pong, [UInt8($0)]) }
        #expect(echo([pings]).written == pongs)
        #expect(echo(pings.map { [$0] }).written == pongs)
    }

    // MARK: 3 Reserved bits

    @Test(arguments: [UInt8(1), 2, 3, 4, 5, 6, 7])
    func case3_reservedBits_failAfterEarlierMessages(rsv: UInt8) {
        var bad = WSClient.text("Hello, world!")
        bad[0] |= rsv << 4
        let result = echo([WSClient.text("small") + bad + WSClient.frame(.ping)])
        #expect(result == (server(.text, Array("small".utf8)) + close(1002), true))
    }

    // MARK: 4 Opcodes

    @Test(arguments: [UInt8(3), 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF])
    func case4_reservedOpcodes_fail(opcode: UInt8) {
        let raw: [UInt8] = [0x80 | opcode, 0x80, 0, 0, 0, 0]
        let result = echo([WSClient.text("hi") + raw + WSClient.frame(.ping)])
        #expect(result == (server(.text, Array("hi".utf8)) + close(1002), true))
    }

    // MARK: 5 Fragmentation

    @Test func case5_fragmentedControlFrames_fail() {
        #expect(echo([WSClient.frame(.ping, [1], fin: false) + WSClient.frame(.continuation, [2])]) == (close(1002), true))
        #expect(echo([WSClient.frame(.pong, [1], fin: false)]) == (close(1002), true))
    }

    @Test func case5_fragmentedText_withPingsBetween_anySplit() {
        let bytes = WSClient.text("frag", fin: false) + WSClient.frame(.ping, Array("ping".utf8))
            + WSClient.frame(.continuation, Array("ment".utf8), fin: false) + WSClient.frame(.ping)
            + WSClient.frame(.continuation, Array("ed".utf8))
        let expected = server(.pong, Array("ping".utf8)) + server(.pong) + server(.text, Array("fragmented".utf8))
        for chunks in WSClient.splits(bytes) { #expect(echo(chunks).written == expected) }
    }

    @Test func case5_continuationWithoutStart_fails() {
        #expect(echo([WSClient.frame(.continuation, Array("x".utf8))]) == (close(1002), true))
        #expect(echo([WSClient.frame(.continuation, Array("x".utf8), fin: false)]) == (close(1002), true))
    }

    @Test func case5_continuationAfterFinishedMessage_fails() {
        let bytes = WSClient.text("one", fin: false) + WSClient.frame(.continuation, Array("two".utf8))
            + WSClient.frame(.continuation, Array("three".utf8))
        #expect(echo([bytes]) == (server(.text, Array("onetwo".utf8)) + close(1002), true))
    }

    @Test func case5_newMessageInsideFragmentedOne_fails() {
        let bytes = WSClient.text("one", fin: false) + WSClient.text("two")
        #expect(echo([bytes]) == (close(1002), true))
    }

    // MARK: 6 UTF-8

    @Test func case6_validText_splitAtEveryByteAsFragments() {
        let text = "κόσμε-\u{10FFFF}-\u{FEFF}-\u{7F}-\u{80}-\u{7FF}-\u{800}-\u{FFFF}-\u{10000}"
        let bytes = Array(text.utf8)
        var frames: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            let opcode: WebSocketOpcode = index == 0 ? .text : .continuation
            frames += WSClient.frame(opcode, [byte], fin: index == bytes.count - 1)
        }
        #expect(echo([frames]).written == server(.text, bytes))
    }

    @Test(arguments: [
        [UInt8(0xED), 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0xAF],
        [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64],
        [0xFE], [0xFF], [0x80], [0xEF, 0xBF],
    ])
    func case6_invalidText_fails1007(bytes: [UInt8]) {
        #expect(echo([WSClient.frame(.text, bytes)]) == (close(1007), true))
    }

    /// 6.4.x: the invalid fragment fails the connection before the rest of the message arrives.
    @Test func case6_failFastOnFragments() {
        let first = WSClient.text("κόσμε", fin: false)
        let second = WSClient.frame(.continuation, [0xF4, 0x90, 0x80, 0x80], fin: false)
        let result = echo([first, second])
        #expect(result == (close(1007), true))
    }

    // MARK: 7 Close handling

    @Test func case7_textThenClose_bothEchoed_thenNothing() {
        let bytes = WSClient.text("Hello") + WSClient.close(1000) + WSClient.text("after") + WSClient.frame(.ping)
        #expect(echo([bytes]) == (server(.text, Array("Hello".utf8)) + close(1000), true))
    }

    @Test func case7_closeInsideFragmentedMessage_messageNotDelivered() {
        let bytes = WSClient.text("frag", fin: false) + WSClient.close(1000) + WSClient.frame(.continuation, Array("x".utf8))
        #expect(echo([bytes]) == (close(1000), true))
    }

    @Test func case7_closePayloadSizes() {
        #expect(echo([WSClient.close(nil)]) == ([0x88, 0x00], true))  // 7.3.1
        #expect(echo([WSClient.frame(.close, [0x03])]) == (close(1002), true))  // 7.3.2
        #expect(echo([WSClient.close(1000, reason: Array("Hello World!".utf8))]) == (close(1000), true))  // 7.3.4
        let reason123 = [UInt8](repeating: 0x2A, count: 123)
        #expect(echo([WSClient.close(1000, reason: reason123)]) == (close(1000), true))  // 7.3.5
        let reason124 = [UInt8](repeating: 0x2A, count: 124)
        #expect(echo([WSClient.close(1000, reason: reason124)]) == (close(1002), true))  // 7.3.6
    }

    @Test func case7_invalidUTF8Reason_fails1007() {
        #expect(echo([WSClient.close(1000, reason: [0xCE, 0xBA, 0xED, 0xA0, 0x80])]) == (close(1007), true))
    }

    // MARK: 9 Limits (scaled to the 1 MiB default message limit)

    @Test func case9_oneMebibyteMessage_inOneFrameAndIn64KiBFragments() {
        let payload = [UInt8](repeating: 0x2A, count: 1 << 20)
        #expect(echo([WSClient.frame(.binary, payload)]).written == server(.binary, payload))
        var fragments: [UInt8] = []
        for i in 0..<16 {
            let slice = Array(payload[(i << 16)..<((i + 1) << 16)])
            fragments += WSClient.frame(i == 0 ? .binary : .continuation, slice, fin: i == 15)
        }
        #expect(echo([fragments]).written == server(.binary, payload))
    }

    @Test func case9_overLimit_fails1009() {
        #expect(echo([WSClient.frame(.binary, [UInt8](repeating: 1, count: (1 << 20) + 1))]) == (close(1009), true))
        let fragmented = WSClient.frame(.binary, [UInt8](repeating: 1, count: 1 << 19), fin: false)
            + WSClient.frame(.continuation, [UInt8](repeating: 1, count: 1 << 19), fin: false)
            + WSClient.frame(.continuation, [1])
        #expect(echo([fragmented]) == (close(1009), true))
    }
}

/// Every error maps to the close code RFC 6455 §7.4.1 names for it.
@Suite struct WebSocketProtocolErrorTests {
    @Test(arguments: [
        (WebSocketProtocolError.unmaskedClientFrame, UInt16(1002)), (.maskedServerFrame, 1002), (.reservedBitsSet, 1002),
        (.unknownOpcode(3), 1002), (.fragmentedControlFrame, 1002), (.controlFrameTooLong(126), 1002),
        (.invalidLength, 1002), (.frameTooLarge(1), 1009), (.messageTooLarge, 1009), (.tooManyFragments, 1009),
        (.fragmentTooSmall, 1008), (.unexpectedContinuation, 1002), (.expectedContinuation, 1002), (.invalidUTF8, 1007),
        (.invalidClosePayload, 1002), (.invalidCloseCode(1005), 1002),
    ])
    func error_closeCode(error: WebSocketProtocolError, code: UInt16) {
        #expect(error.closeCode.rawValue == code)
    }

    @Test func closeCode_validOnWire_matchesRFCRanges() {
        var valid: [ClosedRange<UInt16>] = []
        var start: UInt16?
        for raw in UInt16(0)...UInt16.max {
            let ok = WebSocketCloseCode(raw).isValidOnWire
            if ok, start == nil { start = raw }
            if !ok, let s = start {
                valid.append(s...(raw - 1))
                start = nil
            }
        }
        #expect(valid == [1000...1003, 1007...1014, 3000...4999])
    }
}
