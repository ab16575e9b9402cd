import Testing

@testable import PilotoHTTPCore
@testable import PilotoRuntime

/// Frame parser and encoder: RFC 6455 §5.7 examples, every split, limits and length boundaries.
@Suite struct WebSocketFrameCodecTests {
    // RFC 6455 §5.7: "A single-frame masked text message" containing "Hello".
    static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    static let hello = Array("Hello".utf8)

    @Test func parser_rfcMaskedHello_anySplit() {
        for chunks in WSClient.splits(Self.maskedHello) {
            let (frames, error) = WSClient.parse(chunks)
            #expect(error == nil)
            #expect(frames == [WebSocketFrame(fin: true, opcode: .text, payload: Self.hello)])
        }
    }

    @Test func encoder_masked_matchesRFCExample() {
        #expect(WebSocketFrameEncoder.encodeMasked(opcode: .text, payload: Self.hello, maskKey: 0x37FA_213D) == Self.maskedHello)
    }

    @Test func encoder_serverFrames_matchRFCExamples() {
        // §5.7: unmasked "Hello", fragmented "Hel"+"lo", unmasked ping, 256-byte and 65536-byte headers.
        #expect(WebSocketFrameEncoder.encode(opcode: .text, payload: Self.hello) == [0x81, 0x05] + Self.hello)
        #expect(WebSocketFrameEncoder.encode(opcode: .text, fin: false, payload: Array("Hel".utf8)) == [0x01, 0x03, 0x48, 0x65, 0x6C])
        #expect(WebSocketFrameEncoder.encode(opcode: .continuation, payload: Array("lo".utf8)) == [0x80, 0x02, 0x6C, 0x6F])
        #expect(WebSocketFrameEncoder.encode(opcode: .ping, payload: Self.hello) == [0x89, 0x05] + Self.hello)
        #expect(Array(WebSocketFrameEncoder.encode(opcode: .binary, payload: [UInt8](repeating: 0, count: 256)).prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(
            Array(WebSocketFrameEncoder.encode(opcode: .binary, payload: [UInt8](repeating: 0, count: 65536)).prefix(10))
                == [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00])
    }

    /// Lengths at the 7-bit / 16-bit / 64-bit encoding boundaries: header size and round trip.
    @Test(arguments: [(0, 2), (1, 2), (125, 2), (126, 4), (127, 4), (65535, 4), (65536, 10), (65537, 10)])
    func codec_lengthBoundaries_roundTrip(length: Int, headerSize: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = WebSocketFrameEncoder.encode(opcode: .binary, payload: payload)
        #expect(server.count == headerSize + length)
        let client = WebSocketFrameEncoder.encodeMasked(opcode: .binary, payload: payload, maskKey: 0xDEAD_BEEF)
        #expect(client.count == headerSize + 4 + length)
        let parsed = WSClient.parse([client], maxFrameSize: 1 << 20)
        #expect(parsed.error == nil)
        #expect(parsed.frames == [WebSocketFrame(opcode: .binary, payload: payload)])
        let unmasked = WSClient.parse([server], maxFrameSize: 1 << 20, expectMasked: false)
        #expect(unmasked.frames == [WebSocketFrame(opcode: .binary, payload: payload)])
    }

    @Test func parser_severalFramesAndControlFrames_everySplit() {
        let bytes = WSClient.frame(.text, Array("Hel".utf8), fin: false) + WSClient.frame(.ping, Array("p".utf8))
            + WSClient.frame(.continuation, Array("lo".utf8)) + WSClient.frame(.binary, [])
            + WSClient.frame(.close, [0x03, 0xE8])
        let expected = [
            WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)),
            WebSocketFrame(opcode: .ping, payload: Array("p".utf8)),
            WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8)),
            WebSocketFrame(opcode: .binary, payload: []),
            WebSocketFrame(opcode: .close, payload: [0x03, 0xE8]),
        ]
        for chunks in WSClient.splits(bytes) {
            let (frames, error) = WSClient.parse(chunks)
            #expect(error == nil)
            #expect(frames == expected)
        }
    }

    @Test func parser_unmaskOffsets_everyLengthUpTo40() {
        // Exercises the 8-byte unmask loop and its tail for every residue.
        for length in 0...40 {
            let payload = (0..<length).map { UInt8($0 + 1) }
            let bytes = WSClient.frame(.binary, payload, key: 0x0102_0304)
            #expect(WSClient.parse([bytes]).frames == [WebSocketFrame(opcode: .binary, payload: payload)])
        }
    }

    @Test func parser_unmaskedClientFrame_isProtocolError() {
        let (frames, error) = WSClient.parse([[0x81, 0x05] + Self.hello])
        #expect(frames.isEmpty)
        #expect(error == .unmaskedClientFrame)
        #expect(error?.closeCode == .protocolError)
    }

    @Test func parser_maskedServerFrame_rejectedByClientSide() {
        #expect(WSClient.parse([Self.maskedHello], expectMasked: false).error == .maskedServerFrame)
    }

    @Test(arguments: [UInt8(0x40), 0x20, 0x10, 0x70])
    func parser_reservedBits_isProtocolError(rsv: UInt8) {
        var bytes = WSClient.frame(.text, Self.hello)
        bytes[0] |= rsv
        #expect(WSClient.parse([bytes]).error == .reservedBitsSet)
    }

    @Test(arguments: [UInt8(3), 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF])
    func parser_reservedOpcode_isProtocolError(opcode: UInt8) {
        let bytes: [UInt8] = [0x80 | opcode, 0x80, 1, 2, 3, 4]
        let error = WSClient.parse([bytes]).error
        #expect(error == .unknownOpcode(opcode))
        #expect(error?.closeCode == .protocolError)
    }

    @Test(arguments: [WebSocketOpcode.close, .ping, .pong])
    func parser_fragmentedControlFrame_isProtocolError(opcode: WebSocketOpcode) {
        #expect(WSClient.parse([WSClient.frame(opcode, [], fin: false)]).error == .fragmentedControlFrame)
    }

    @Test func parser_controlFrameOf125_ok_126_isProtocolError() {
        let ok = WSClient.frame(.ping, [UInt8](repeating: 7, count: 125))
        #expect(WSClient.parse([ok]).frames.count == 1)
        let tooLong = WSClient.frame(.ping, [UInt8](repeating: 7, count: 126))
        let error = WSClient.parse([tooLong]).error
        #expect(error == .controlFrameTooLong(126))
        #expect(error?.closeCode == .protocolError)
    }

    @Test func parser_64BitLengthWithTopBit_isProtocolError() {
        let bytes: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]
        let error = WSClient.parse([bytes], maxFrameSize: Int.max).error
        #expect(error == .invalidLength)
        #expect(error?.closeCode == .protocolError)
    }

    /// The limit is checked from the header alone: no payload byte needs to arrive.
    @Test func parser_frameOverLimit_failsFromHeaderAlone() {
        let header: [UInt8] = [0x82, 0xFE, 0x40, 0x01]  // masked, 16-bit length 16385
        for chunks in WSClient.splits(header) {
            let (frames, error) = WSClient.parse(chunks, maxFrameSize: 16384)
            #expect(frames.isEmpty)
            #expect(error == .frameTooLarge(16385))
            #expect(error?.closeCode == .messageTooBig)
        }
        let atLimit = WSClient.frame(.binary, [UInt8](repeating: 1, count: 16384))
        #expect(WSClient.parse([atLimit], maxFrameSize: 16384).frames.count == 1)
    }

    @Test func parser_afterError_staysFailed() {
        var parser = WebSocketFrameParser(maxFrameSize: 100)
        parser.append([0x81, 0x05] + Self.hello)
        #expect(throws: WebSocketProtocolError.unmaskedClientFrame) { try parser.nextFrame() }
        parser.append(Self.maskedHello)
        #expect(throws: WebSocketProtocolError.unmaskedClientFrame) { try parser.nextFrame() }
    }

    @Test func parser_partialHeader_buffersOnlyTheHeader() throws {
        var parser = WebSocketFrameParser(maxFrameSize: 1 << 20)
        let big = WSClient.frame(.binary, [UInt8](repeating: 9, count: 70_000))
        parser.append(big.prefix(5))
        #expect(try parser.nextFrame() == nil)
        parser.append(big.dropFirst(5))
        let frame = try parser.nextFrame()
        #expect(frame?.payload.count == 70_000)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func encoder_closePayload_truncatesReasonOnCharacterBoundary() {
        let reason = String(repeating: "é", count: 100)  // 200 UTF-8 bytes
        let payload = WebSocketFrameEncoder.closePayload(code: .goingAway, reason: reason)
        #expect(payload.count <= 125)
        #expect(payload.count == 2 + 122)
        #expect(WebSocketUTF8Validator.isValid(Array(payload[2...])))
        #expect(WebSocketFrameEncoder.closeFrame(code: .messageTooBig) == [0x88, 0x02, 0x03, 0xF1])
    }

    @Test func masking_isItsOwnInverse_atEveryOffset() {
        let original = (0..<37).map { UInt8($0 * 7 & 0xFF) }
        for offset in 0..<4 {
            var bytes = original
            WebSocketMasking.apply(key: 0xA1B2_C3D4, to: &bytes, offset: offset)
            for i in 0..<bytes.count {
                #expect(bytes[i] == original[i] ^ WebSocketMasking.keyByte(0xA1B2_C3D4, (i + offset) % 4))
            }
            WebSocketMasking.apply(key: 0xA1B2_C3D4, to: &bytes, offset: offset)
            #expect(bytes == original)
        }
    }
}

/// Limits that need the assembler's state, checked by the parser from a frame's header.
@Suite struct WebSocketFrameBudgetTests {
    @Test func parser_continuationOverBudget_failsFromHeaderAlone() {
        var parser = WebSocketFrameParser(maxFrameSize: 1000)
        parser.continuationLimit = 10
        parser.append(Array(WSClient.frame(.continuation, [UInt8](repeating: 0, count: 11)).prefix(2)))
        #expect(throws: WebSocketProtocolError.messageTooLarge) { try parser.nextFrame() }
        var ok = WebSocketFrameParser(maxFrameSize: 1000)
        ok.continuationLimit = 10
        ok.append(WSClient.frame(.continuation, [UInt8](repeating: 0, count: 10)) + WSClient.frame(.text, [UInt8](repeating: 0x61, count: 20)))
        #expect((try? ok.nextFrame())?.payload.count == 10)
        #expect((try? ok.nextFrame())?.payload.count == 20)  // new messages are bounded by maxFrameSize only
    }

    @Test func connection_fragmentOverflowingMessage_closes1009BeforePayload() {
        var configuration = WebSocketConfiguration()
        configuration.maxMessageSize = 100
        configuration.pingInterval = nil
        var connection = WSConnection(configuration: configuration, now: .zero)
        let first = WSClient.frame(.binary, [UInt8](repeating: 1, count: 60), fin: false)
        #expect(connection.received(first, now: .zero).isEmpty)
        let header = Array(WSClient.frame(.continuation, [UInt8](repeating: 1, count: 41)).prefix(2))
        #expect(connection.received(header, now: .zero) == [.write([0x88, 0x02, 0x03, 0xF1]), .closeConnection])
    }

    /// Large payloads arriving in many reads take the direct-copy path; the result must not change.
    @Test func parser_payloadInManyReads_matchesWhole() throws {
        let payload = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let bytes = WSClient.frame(.binary, payload) + WSClient.frame(.ping, [1])
        for step in [1, 3, 1000, 4096, 65536] {
            var parser = WebSocketFrameParser(maxFrameSize: 1 << 20)
            var frames: [WebSocketFrame] = []
            var offset = 0
            while offset < bytes.count {
                parser.append(Array(bytes[offset..<min(offset + step, bytes.count)]))
                while let frame = try parser.nextFrame() { frames.append(frame) }
                offset += step
            }
            #expect(frames == [WebSocketFrame(opcode: .binary, payload: payload), WebSocketFrame(opcode: .ping, payload: [1])])
        }
    }
}
